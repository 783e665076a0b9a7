/** Samples P&L, drawdown, orders and risk rejections at fixed steps of simulated time. */
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';

export class EquitySampler {
  readonly t: number[] = [];
  readonly pnl: number[] = [];
  readonly drawdown: number[] = [];
  readonly riskRejections: number[] = [];
  readonly ordersSent: number[] = [];
  nextSampleNs: number;
  private peak = 0;
  maxDrawdown = 0;
  private lastRejected = 0;
  private lastSent = 0;

  constructor(
    private readonly metrics: PipelineMetrics,
    private readonly startNs: number,
    private readonly stepNs: number,
  ) {
    this.nextSampleNs = startNs;
  }

  sample(nowNs: number): void {
    const c = (name: string) => this.metrics.counters.byName(name);
    const total = c('pnl_realized') + c('pnl_unrealized') - c('pnl_fees');
    this.peak = Math.max(this.peak, total);
    const dd = this.peak - total;
    this.maxDrawdown = Math.max(this.maxDrawdown, dd);
    const rejected = c('orders_rejected_risk');
    const sent = c('orders_sent');
    this.t.push((nowNs - this.startNs) / 1e9);
    this.pnl.push(total);
    this.drawdown.push(dd);
    this.riskRejections.push(rejected - this.lastRejected);
    this.ordersSent.push(sent - this.lastSent);
    this.lastRejected = rejected;
    this.lastSent = sent;
    this.nextSampleNs = this.startNs + (Math.floor((nowNs - this.startNs) / this.stepNs) + 1) * this.stepNs;
  }
}
