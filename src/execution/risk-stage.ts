/**
 * Risk: pre-trade checks per order (microseconds) against positions and open orders that it
 * rebuilds from the execution reports. Every rejection is counted by reason.
 */
import type { Clock } from '../core/clock.js';
import type { QuoteTable } from '../market/quote-table.js';
import {
  type PipelineMetrics,
  RISK_REJECT_REASONS,
  type RiskRejectReason,
} from '../pipeline/pipeline-metrics.js';
import { ExecKind, type ExecReport, type Order } from '../shm/records.js';
import { PositionBook } from './position-book.js';
import type { RiskLimits } from './risk-limits.js';

export class RiskStage {
  readonly positions: PositionBook;
  /** Shares in open orders per symbol and side. */
  readonly openBuyQty: Float64Array;
  readonly openSellQty: Float64Array;
  private readonly marks: Float64Array;
  private halted = false;
  private readonly rejectSlots: Record<RiskRejectReason, number>;
  private readonly slots: {
    checks: number;
    rejected: number;
    filled: number;
    fills: number;
    filledQty: number;
    rejectedVenue: number;
    expired: number;
    cancelled: number;
    realized: number;
    unrealized: number;
    fees: number;
    gross: number;
  };
  private readonly positionSlots: Int32Array;

  constructor(
    readonly symbolCount: number,
    private readonly limits: RiskLimits,
    private readonly quotes: QuoteTable,
    private readonly clock: Clock,
    private readonly metrics: PipelineMetrics,
  ) {
    this.positions = new PositionBook(symbolCount);
    this.openBuyQty = new Float64Array(symbolCount);
    this.openSellQty = new Float64Array(symbolCount);
    this.marks = new Float64Array(symbolCount).fill(Number.NaN);
    this.rejectSlots = {} as Record<RiskRejectReason, number>;
    for (const r of RISK_REJECT_REASONS) this.rejectSlots[r] = metrics.slot(`risk_reject_${r}`);
    const m = metrics;
    this.slots = {
      checks: m.slot('risk_checks'),
      rejected: m.slot('orders_rejected_risk'),
      filled: m.slot('orders_filled'),
      fills: m.slot('fills'),
      filledQty: m.slot('filled_qty'),
      rejectedVenue: m.slot('orders_rejected_venue'),
      expired: m.slot('orders_expired'),
      cancelled: m.slot('orders_cancelled'),
      realized: m.slot('pnl_realized'),
      unrealized: m.slot('pnl_unrealized'),
      fees: m.slot('pnl_fees'),
      gross: m.slot('gross_notional'),
    };
    this.positionSlots = metrics.slots(symbolCount, (s) => `symbol_${s}_position`);
  }

  setHalted(halted: boolean): void {
    this.halted = halted;
  }

  /** Returns true when the order may go to the venue; stamps `riskTsNs` either way. */
  onOrder(order: Order): boolean {
    const c = this.metrics.counters;
    c.add(this.slots.checks, 1);
    const reason = this.check(order);
    order.riskTsNs = this.clock.nowNs();
    this.metrics.hist.stage_risk.record(order.riskTsNs - order.routeTsNs);
    if (reason !== null) {
      c.add(this.slots.rejected, 1);
      c.add(this.rejectSlots[reason], 1);
      return false;
    }
    if (order.side > 0) this.openBuyQty[order.symbolId] += order.qty;
    else this.openSellQty[order.symbolId] += order.qty;
    return true;
  }

  /** Rejection reason for `order`, or null when it passes every check. */
  check(order: Order): RiskRejectReason | null {
    if (this.halted) return 'halted';
    const s = order.symbolId;
    if (
      !(s >= 0 && s < this.symbolCount) ||
      !(order.qty > 0) ||
      !(order.limitPx > 0) ||
      !Number.isFinite(order.qty)
    ) {
      return 'bad_order';
    }
    if (order.qty > this.limits.maxOrderQty) return 'max_order_size';
    const pos = this.positions.position[s];
    // Worst case: every open order on the same side fills too.
    const worst =
      order.side > 0 ? pos + this.openBuyQty[s] + order.qty : pos - this.openSellQty[s] - order.qty;
    if (Math.abs(worst) > this.limits.maxPositionQty && Math.abs(worst) > Math.abs(pos))
      return 'max_position';
    const mid = this.quotes.referenceMid(s);
    if (Number.isNaN(mid)) return 'no_reference_price';
    this.marks[s] = mid;
    const gross = this.grossWithOpenOrders() + order.qty * order.limitPx;
    if (gross > this.limits.maxPortfolioNotionalUsd && Math.abs(worst) > Math.abs(pos))
      return 'max_portfolio_value';
    return null;
  }

  private grossWithOpenOrders(): number {
    let g = 0;
    for (let i = 0; i < this.symbolCount; i++) {
      const m = this.marks[i];
      if (Number.isNaN(m)) continue;
      g += (Math.abs(this.positions.position[i]) + Math.max(this.openBuyQty[i], this.openSellQty[i])) * m;
    }
    return g;
  }

  onExecReport(r: ExecReport): void {
    const c = this.metrics.counters;
    const s = r.symbolId;
    if (!(s >= 0 && s < this.symbolCount)) return;
    const open = r.side > 0 ? this.openBuyQty : this.openSellQty;
    switch (r.kind) {
      case ExecKind.fill:
        this.positions.applyFill(s, r.side, r.fillQty, r.fillPx, r.feeUsd);
        open[s] = Math.max(0, open[s] - r.fillQty);
        c.add(this.slots.fills, 1);
        c.add(this.slots.filledQty, r.fillQty);
        if (r.leavesQty === 0) c.add(this.slots.filled, 1);
        break;
      case ExecKind.reject:
        open[s] = Math.max(0, open[s] - r.leavesQty);
        c.add(this.slots.rejectedVenue, 1);
        break;
      case ExecKind.expired:
        open[s] = Math.max(0, open[s] - r.leavesQty);
        c.add(this.slots.expired, 1);
        break;
      case ExecKind.cancel:
        open[s] = Math.max(0, open[s] - r.leavesQty);
        c.add(this.slots.cancelled, 1);
        break;
    }
  }

  /** Marks positions to the cross-venue mid and publishes P&L and positions to the counters. */
  publishPnl(): void {
    for (let s = 0; s < this.symbolCount; s++) {
      const mid = this.quotes.referenceMid(s);
      if (!Number.isNaN(mid)) this.marks[s] = mid;
    }
    const c = this.metrics.counters;
    const p = this.positions;
    c.set(this.slots.realized, p.totalRealized());
    c.set(this.slots.unrealized, p.totalUnrealized(this.marks));
    c.set(this.slots.fees, p.totalFees());
    c.set(this.slots.gross, p.grossNotional(this.marks));
    for (let s = 0; s < this.symbolCount; s++) c.set(this.positionSlots[s], p.position[s]);
  }
}
