import type { AdoptionMailbox } from '../cluster/adoption-mailbox.js';
import { decisionEntry, reportEntry } from '../execution/journal-entries.js';
import type { RiskStage } from '../execution/risk-stage.js';
import { Breaker, type ControlBlock } from '../run-state/control-block.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import {
  ExecReportCodec,
  JournalCodec,
  type JournalEntry,
  JournalKind,
  type Order,
  OrderCodec,
} from '../shm/records.js';
import type { SpscRing } from '../shm/spsc-ring.js';
import { BATCH, type HostTime, lowerDueNs, NOW_NS, type StageNode } from './stage-node.js';

const PNL_PUBLISH_INTERVAL_NS = 50e6;

/**
 * Binds the risk stage to its rings: reports first (positions current), then the control block's
 * triggers, then orders through the checks. Every decision and report is journaled, so nothing is
 * processed unless the journal ring has room for it (backpressure, never loss).
 */
export class RiskNode implements StageNode {
  readonly name = 'risk';
  private readonly order = OrderCodec.create();
  private readonly cancel = OrderCodec.create();
  private readonly report = ExecReportCodec.create();
  private readonly entry = JournalCodec.create();
  private readonly nextPnlNs = new Float64Array(1);
  private readonly journalSlot: number;
  /** Cancels written in the current pass (emitCancel is a field so no closure is made per poll). */
  private passJournaled = 0;
  private readonly emitCancel = (cancel: Order): boolean => {
    if (this.approved.freeSlots() === 0 || this.journalRoom() === 0) return false;
    OrderCodec.write(this.approved.f64, this.approved.i32, this.approved.claim(), cancel);
    this.passJournaled += this.journalEntry(decisionEntry(cancel, JournalKind.cancelRequest, 0, this.entry));
    return true;
  };

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
    stage.cancelAll.startAt(control.reconcileSeq);
  }

  /** --cluster: another shard's state, handed over by main mid-run (src/cluster/adoption-mailbox.ts). */
  private adoptions: AdoptionMailbox | null = null;
  private readonly adopt = (e: JournalEntry): void => this.stage.adopt(e);

  receiveAdoptions(mailbox: AdoptionMailbox): void {
    mailbox.acknowledgeAll();
    this.adoptions = mailbox;
  }

  private journalRoom(): number {
    return this.journal === null ? BATCH : this.journal.freeSlots();
  }

  poll(time: HostTime): number {
    const nowNs = time[NOW_NS];
    let journaled = 0;
    const nr = Math.min(this.reports.available(), BATCH, this.journalRoom());
    for (let i = 0; i < nr; i++) {
      ExecReportCodec.read(this.reports.f64, this.reports.i32, this.reports.next(), this.report);
      if (this.stage.onExecReport(this.report))
        journaled += this.journalEntry(reportEntry(this.report, this.entry));
    }
    if (this.adoptions?.pending()) this.adoptions.take(this.adopt);
    const c = this.control;
    if (this.stage.onControl(c.tradingState, c.isTripped(Breaker.killSwitch), c.reconcileSeq)) {
      this.passJournaled = 0;
      this.stage.cancelOpenOrders(this.cancel, this.emitCancel);
      this.approved.publish();
      journaled += this.passJournaled;
    }
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
      const kind = ok ? JournalKind.approved : JournalKind.rejected;
      journaled += this.journalEntry(
        decisionEntry(this.order, kind, this.stage.lastRejectCode(), this.entry),
      );
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
    this.stage.cancelAll.requestAtStart();
  }

  private journalEntry(entry: JournalEntry): number {
    const j = this.journal;
    if (j === null) return 0;
    JournalCodec.write(j.f64, j.i32, j.claim(), entry);
    this.metrics.counters.add(this.journalSlot, 1);
    return 1;
  }

  hasWork(): boolean {
    return this.reports.available() > 0 || this.orders.available() > 0;
  }

  lowerDue(time: HostTime): void {
    lowerDueNs(time, this.dueNs());
  }

  private dueNs(): number {
    return this.nextPnlNs[0];
  }

  close(): void {
    this.stage.publishPnl();
  }
}
