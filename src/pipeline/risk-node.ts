import { type RiskStage, riskReasonCode } from '../execution/risk-stage.js';
import { Breaker, type ControlBlock } from '../run-state/control-block.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import {
  type ExecReport,
  ExecReportCodec,
  JournalCodec,
  JournalKind,
  type Order,
  OrderCodec,
  OrderType,
} from '../shm/records.js';
import type { SpscRing } from '../shm/spsc-ring.js';
import { BATCH, type StageNode } from './stage-node.js';

const PNL_PUBLISH_INTERVAL_NS = 50e6;
/** Reports are ExecKind 1..6; journal kinds for them are ExecKind + 2. */
const REPORT_TO_JOURNAL = 2;

/**
 * Reports first (positions current), then orders through the checks; every decision and report
 * is journaled, so nothing is processed unless the journal ring has room for it (backpressure,
 * never loss). On the kill switch it sends a cancel for every open order, once.
 */
export class RiskNode implements StageNode {
  readonly name = 'risk';
  private readonly order = OrderCodec.create();
  private readonly report = ExecReportCodec.create();
  private readonly entry = JournalCodec.create();
  private readonly nextPnlNs = new Float64Array(1);
  private cancelledAll = false;
  private reconcileSeen: number;
  /** Orders recovered from a journal are unknown to this venue session: cancel them first. */
  private recoveryCancels = false;
  private readonly journalSlot: number;
  private readonly killCancelSlot: number;

  constructor(
    private readonly stage: RiskStage,
    private readonly orders: SpscRing,
    private readonly reports: SpscRing,
    private readonly approved: SpscRing,
    private readonly journal: SpscRing | null,
    private readonly control: ControlBlock,
    private readonly metrics: PipelineMetrics,
  ) {
    this.journalSlot = metrics.slot('journal_records');
    this.reconcileSeen = control.reconcileSeq;
    this.killCancelSlot = metrics.slot('kill_switch_cancels');
  }

  private journalRoom(): number {
    return this.journal === null ? BATCH : this.journal.freeSlots();
  }

  poll(nowNs: number): number {
    let journaled = 0;
    const nr = Math.min(this.reports.available(), BATCH, this.journalRoom());
    for (let i = 0; i < nr; i++) {
      ExecReportCodec.read(this.reports.f64, this.reports.i32, this.reports.next(), this.report);
      if (this.stage.onExecReport(this.report)) journaled += this.journalReport(this.report);
    }
    this.stage.setTradingState(this.control.tradingState);
    if (this.control.reconcileSeq !== this.reconcileSeen) {
      this.reconcileSeen = this.control.reconcileSeq;
      this.recoveryCancels = true;
      this.cancelledAll = false;
    }
    if (this.control.isTripped(Breaker.killSwitch) || this.recoveryCancels) {
      journaled += this.cancelAllOnce();
      if (this.cancelledAll) this.recoveryCancels = false;
    } else this.cancelledAll = false;
    // Orders wait in their ring while the approved or journal ring is full: backpressure, no loss.
    const no = Math.min(
      this.orders.available(),
      BATCH,
      this.approved.freeSlots(),
      this.journalRoom() - journaled,
    );
    for (let i = 0; i < no; i++) {
      OrderCodec.read(this.orders.f64, this.orders.i32, this.orders.next(), this.order);
      const ok = this.stage.onOrder(this.order);
      if (ok) OrderCodec.write(this.approved.f64, this.approved.i32, this.approved.claim(), this.order);
      journaled += this.journalDecision(this.order, ok ? JournalKind.approved : JournalKind.rejected);
    }
    // Journal first, then the venue, then release the inputs: a risk worker that dies at any
    // point leaves nothing sent that is not journaled, and whatever it never released is read
    // again by its successor (which skips what the journal shows was done: see RiskStage).
    if (journaled > 0 && this.journal !== null) this.journal.publish();
    if (no > 0) this.approved.publish();
    if (nr > 0) this.reports.release();
    if (no > 0) this.orders.release();
    if (nowNs >= this.nextPnlNs[0]) {
      this.stage.publishPnl();
      this.nextPnlNs[0] = nowNs + PNL_PUBLISH_INTERVAL_NS;
    }
    return nr + no;
  }

  cancelOpenOrdersAtStart(): void {
    this.recoveryCancels = true;
  }

  /** Sends a cancel for every open order (kill switch, recovery); runs once per trip. */
  private cancelAllOnce(): number {
    if (this.cancelledAll) return 0;
    this.cancelledAll = true;
    let n = 0;
    this.stage.orders.forEachOpen((o) => {
      if (this.approved.freeSlots() === 0 || this.journalRoom() === 0) {
        this.cancelledAll = false; // retry the rest next poll
        return;
      }
      Object.assign(this.order, {
        clientOrderId: o.clientOrderId,
        symbolId: o.symbolId,
        venueId: o.venueId,
        side: o.side,
      });
      this.order.type = OrderType.cancel;
      this.order.qty = o.qty - o.filledQty;
      this.order.limitPx = o.limitPx;
      OrderCodec.write(this.approved.f64, this.approved.i32, this.approved.claim(), this.order);
      n += this.journalDecision(this.order, JournalKind.cancelRequest);
      this.metrics.counters.add(this.killCancelSlot, 1);
    });
    this.approved.publish();
    return n;
  }

  private journalDecision(o: Order, kind: number): number {
    if (this.journal === null) return 0;
    const e = this.entry;
    e.tsNs = o.riskTsNs;
    e.clientOrderId = o.clientOrderId;
    e.execId = 0;
    e.qty = o.qty;
    e.limitPx = o.limitPx;
    e.fillQty = 0;
    e.fillPx = 0;
    e.leavesQty = kind === JournalKind.approved ? o.qty : 0;
    e.feeUsd = 0;
    e.symbolId = o.symbolId;
    e.venueId = o.venueId;
    e.side = o.side;
    e.kind = kind;
    const r = this.stage.lastReject;
    e.reason = kind === JournalKind.rejected && r !== null ? riskReasonCode(r) : 0;
    return this.writeEntry();
  }

  private journalReport(r: ExecReport): number {
    if (this.journal === null) return 0;
    const e = this.entry;
    e.tsNs = r.recvTsNs;
    e.clientOrderId = r.clientOrderId;
    e.execId = r.execId;
    e.qty = 0;
    e.limitPx = 0;
    e.fillQty = r.fillQty;
    e.fillPx = r.fillPx;
    e.leavesQty = r.leavesQty;
    e.feeUsd = r.feeUsd;
    e.symbolId = r.symbolId;
    e.venueId = r.venueId;
    e.side = r.side;
    e.kind = r.kind + REPORT_TO_JOURNAL;
    e.reason = r.reason;
    return this.writeEntry();
  }

  private writeEntry(): number {
    const j = this.journal!;
    JournalCodec.write(j.f64, j.i32, j.claim(), this.entry);
    this.metrics.counters.add(this.journalSlot, 1);
    return 1;
  }

  hasWork(): boolean {
    return this.reports.available() > 0 || this.orders.available() > 0;
  }

  nextDueNs(): number {
    return this.nextPnlNs[0];
  }

  close(): void {
    this.stage.publishPnl();
  }
}
