import type { RiskStage } from '../execution/risk-stage.js';
import { ExecReportCodec, OrderCodec } from '../shm/records.js';
import type { SpscRing } from '../shm/spsc-ring.js';
import type { ControlBlock } from './control-block.js';
import { BATCH, type StageNode } from './stage-node.js';

const PNL_PUBLISH_INTERVAL_NS = 50e6;

/** Reports first (positions current), then orders through the checks; P&L published on a timer. */
export class RiskNode implements StageNode {
  readonly name = 'risk';
  private readonly order = OrderCodec.create();
  private readonly report = ExecReportCodec.create();
  private nextPnlNs = 0;

  constructor(
    private readonly stage: RiskStage,
    private readonly orders: SpscRing,
    private readonly reports: SpscRing,
    private readonly approved: SpscRing,
    private readonly control: ControlBlock,
  ) {}

  poll(nowNs: number): number {
    let handled = 0;
    const nr = Math.min(this.reports.available(), BATCH);
    for (let i = 0; i < nr; i++) {
      ExecReportCodec.read(this.reports.f64, this.reports.i32, this.reports.next(), this.report);
      this.stage.onExecReport(this.report);
    }
    if (nr > 0) this.reports.release();
    handled += nr;
    // Approved orders wait in the input ring while the approved ring is full: backpressure, no loss.
    const no = Math.min(this.orders.available(), BATCH, this.approved.freeSlots());
    if (no > 0) {
      this.stage.setHalted(this.control.halted);
      for (let i = 0; i < no; i++) {
        OrderCodec.read(this.orders.f64, this.orders.i32, this.orders.next(), this.order);
        if (this.stage.onOrder(this.order)) {
          OrderCodec.write(this.approved.f64, this.approved.i32, this.approved.claim(), this.order);
        }
      }
      this.orders.release();
      this.approved.publish();
      handled += no;
    }
    if (nowNs >= this.nextPnlNs) {
      this.stage.publishPnl();
      this.nextPnlNs = nowNs + PNL_PUBLISH_INTERVAL_NS;
    }
    return handled;
  }

  hasWork(): boolean {
    return this.reports.available() > 0 || this.orders.available() > 0;
  }

  nextDueNs(): number {
    return this.nextPnlNs;
  }

  close(): void {
    this.stage.publishPnl();
  }
}
