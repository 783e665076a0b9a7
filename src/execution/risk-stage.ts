/**
 * Risk: pre-trade checks per order (sub-microsecond) against positions and open orders rebuilt
 * from execution reports, the trading state set by the circuit breakers, and the loss limit.
 * Every rejection is counted by reason; every decision and report goes to the journal sink.
 */
import type { Clock } from '../core/clock.js';
import type { Registry } from '../core/registry.js';
import type { QuoteTable } from '../market/quote-table.js';
import {
  Breaker,
  type BreakerSpec,
  TradingState,
  type TradingStateValue,
} from '../run-state/control-block.js';
import {
  type PipelineMetrics,
  RISK_REJECT_REASONS,
  type RiskRejectReason,
} from '../run-state/pipeline-metrics.js';
import {
  ExecKind,
  type ExecReport,
  type JournalEntry,
  JournalKind,
  type Order,
  OrderType,
} from '../shm/records.js';
import { CancelAllRule } from './cancel-all-rule.js';
import { seededPosition, seedPosition } from './journal-replay.js';
import type { RecoveredSnapshot } from './journal-snapshot.js';
import { OrderTracker } from './order-tracker.js';
import { PositionBook } from './position-book.js';
import { RejectRateMonitor } from './reject-rate-monitor.js';
import type { RiskLimits } from './risk-limits.js';
import { RiskMetricSlots } from './risk-metric-slots.js';
import { TokenBucket } from './token-bucket.js';

export interface BreakerSink {
  /** Returns true only for the call that tripped it. */
  trip(b: BreakerSpec): boolean;
  /** Returns true when it was tripped. */
  reset(b: BreakerSpec): boolean;
}

/** Index + 1 of a reason in RISK_REJECT_REASONS, as journaled. */
export const riskReasonCode = (r: RiskRejectReason): number => RISK_REJECT_REASONS.indexOf(r) + 1;

export class RiskStage {
  readonly positions: PositionBook;
  readonly orders: OrderTracker;
  /** Shares in open orders per symbol and side. */
  readonly openBuyQty: Float64Array;
  readonly openSellQty: Float64Array;
  readonly marks: Float64Array;
  private state: TradingStateValue = TradingState.active;
  private readonly throttle: TokenBucket;
  private readonly rejectRate = new RejectRateMonitor();
  /** Highest total P&L seen (drawdown is measured from it); typed cell, no boxing. */
  private readonly peakPnl = new Float64Array(1);
  private readonly slots: RiskMetricSlots;
  /** Reason of the last rejection (for the journal), null after an approval. */
  lastReject: RiskRejectReason | null = null;
  readonly cancelAll = new CancelAllRule();

  constructor(
    readonly symbolCount: number,
    private readonly limits: RiskLimits,
    private readonly quotes: QuoteTable,
    private readonly clock: Clock,
    private readonly metrics: PipelineMetrics,
    private readonly breakers: BreakerSink,
  ) {
    this.positions = new PositionBook(symbolCount);
    this.orders = new OrderTracker(limits.maxOpenOrders);
    this.openBuyQty = new Float64Array(symbolCount);
    this.openSellQty = new Float64Array(symbolCount);
    this.marks = new Float64Array(symbolCount).fill(Number.NaN);
    this.throttle = new TokenBucket(limits.maxOrdersPerSec);
    this.slots = new RiskMetricSlots(metrics, symbolCount);
  }

  /**
   * The newest client order id decided and exec id applied. Route numbers orders upwards and
   * execute numbers reports upwards, and each ring is FIFO, so anything at or below these is a
   * record read a second time (a restarted stage re-reads what its predecessor never released).
   */
  private lastOrderId = 0;
  private lastExecId = 0;

  /** Reports skipped because their exec id was already applied. */
  duplicateReports = 0;

  /** Starts from a journal's state: positions, and open orders (to be cancelled at the venue). */
  applyRecovery(state: RecoveredSnapshot, registry: Registry): void {
    this.lastOrderId = Math.max(this.lastOrderId, state.maxClientOrderId);
    this.lastExecId = Math.max(this.lastExecId, state.maxExecId ?? 0);
    for (const p of state.positions) seedPosition(this.positions, registry.symbolId(p.symbol), p);
    for (const o of state.openOrders) {
      const s = registry.symbolId(o.symbol);
      const v = registry.venueId(o.venue);
      if (s < 0 || v < 0) continue;
      this.orders.open(o.clientOrderId, s, v, o.side, o.qty, o.limitPx);
      if (o.filledQty > 0) this.orders.onFill(o.clientOrderId, o.filledQty);
      const leaves = o.qty - o.filledQty;
      if (o.side > 0) this.openBuyQty[s] += leaves;
      else this.openSellQty[s] += leaves;
    }
  }

  /**
   * --cluster takeover: applies one record of another shard's state that main journaled and
   * handed over (src/cluster/adoption-mailbox.ts): a position seed, or an open order, which is
   * then cancelled like a recovered one (the venue session that placed it is gone). Ids are left
   * alone: the adopted orders' ids come from another run's range, never this run's.
   */
  adopt(e: JournalEntry): void {
    const s = e.symbolId;
    if (!(s >= 0 && s < this.symbolCount)) return;
    if (e.kind === JournalKind.positionSeed) {
      seedPosition(this.positions, s, seededPosition(e, ''));
      return;
    }
    if (e.kind !== JournalKind.approved) return;
    if (!this.orders.open(e.clientOrderId, s, e.venueId, e.side, e.qty, e.limitPx)) return;
    if (e.side > 0) this.openBuyQty[s] += e.qty;
    else this.openSellQty[s] += e.qty;
    this.cancelAll.requestAtStart();
  }

  setTradingState(state: TradingStateValue): void {
    this.state = state;
  }

  /**
   * Reads the breakers' trading state and the cancel-all triggers (kill switch, reconciliation
   * count) once per poll; true when every open order should be cancelled now (cancelOpenOrders).
   */
  onControl(state: TradingStateValue, killSwitch: boolean, reconcileSeq: number): boolean {
    this.state = state;
    return this.cancelAll.due(killSwitch, reconcileSeq);
  }

  /**
   * Writes a cancel for each open order into `cancel` and hands it to `emit`, which returns false
   * when it has no room: the pass stops there and is repeated on a later poll. Returns whether
   * every open order got its cancel.
   */
  cancelOpenOrders(cancel: Order, emit: (cancel: Order) => boolean): boolean {
    let complete = true;
    cancel.riskTsNs = this.clock.nowNs();
    this.orders.forEachOpen((o) => {
      if (!complete) return;
      cancel.clientOrderId = o.clientOrderId;
      cancel.symbolId = o.symbolId;
      cancel.venueId = o.venueId;
      cancel.side = o.side;
      cancel.type = OrderType.cancel;
      cancel.qty = o.qty - o.filledQty;
      cancel.limitPx = o.limitPx;
      complete = emit(cancel);
      if (complete) this.metrics.counters.add(this.slots.killSwitchCancels, 1);
    });
    this.cancelAll.passDone(complete);
    return complete;
  }

  /** Journal reason code of the last decision (0 after an approval). */
  lastRejectCode(): number {
    return this.lastReject === null ? 0 : riskReasonCode(this.lastReject);
  }

  /** Returns true when the order may go to the venue; stamps `riskTsNs` either way. */
  onOrder(order: Order): boolean {
    const c = this.metrics.counters;
    c.add(this.slots.checks, 1);
    const reason = this.check(order);
    order.riskTsNs = this.clock.nowNs();
    this.metrics.hist.stage_risk.observe(order.riskTsNs - order.routeTsNs);
    this.lastReject = reason;
    if (reason !== null) {
      c.add(this.slots.rejected, 1);
      c.add(this.slots.rejectByReason[riskReasonCode(reason) - 1], 1);
      return false;
    }
    this.orders.open(
      order.clientOrderId,
      order.symbolId,
      order.venueId,
      order.side,
      order.qty,
      order.limitPx,
    );
    if (order.side > 0) this.openBuyQty[order.symbolId] += order.qty;
    else this.openSellQty[order.symbolId] += order.qty;
    return true;
  }

  /** Rejection reason for `order`, or null when it passes every check. Cheapest checks first. */
  check(order: Order): RiskRejectReason | null {
    if (order.clientOrderId <= this.lastOrderId) return 'duplicate_order';
    this.lastOrderId = order.clientOrderId;
    if (this.state === TradingState.halted) return 'halted';
    const s = order.symbolId;
    if (!(s >= 0 && s < this.symbolCount) || !(order.qty > 0) || !(order.limitPx > 0)) return 'bad_order';
    if (
      !Number.isFinite(order.qty) ||
      !Number.isFinite(order.limitPx) ||
      (order.side !== 1 && order.side !== -1)
    ) {
      return 'bad_order';
    }
    if (this.metrics.counters.get(this.slots.standby[s]) === 1) return 'shard_not_owned';
    const pos = this.positions.position[s];
    const after = pos + order.side * order.qty;
    const reduces = Math.abs(after) < Math.abs(pos) && Math.sign(after) !== -Math.sign(pos);
    if (this.state === TradingState.reducing && !reduces) return 'reducing_only';
    if (order.qty > this.limits.maxOrderQty) return 'max_order_size';
    if (order.qty * order.limitPx > this.limits.maxOrderNotionalUsd) return 'max_order_notional';
    const mid = this.quotes.referenceMid(s);
    if (Number.isNaN(mid)) return 'no_reference_price';
    if (order.routeTsNs - this.quotes.lastReferenceTsNs() > this.limits.staleQuoteNs) return 'stale_quote';
    this.marks[s] = mid;
    if ((Math.abs(order.limitPx - mid) / mid) * 1e4 > this.limits.priceBandBps) return 'price_band';
    if (this.orders.openCount >= this.limits.maxOpenOrders) return 'max_open_orders';
    // Client order ids make resends idempotent: a second order with an open id is refused.
    if (this.orders.find(order.clientOrderId) >= 0) return 'duplicate_order';
    // Worst case: every open order on the same side fills too. Reducing orders always pass.
    const worst =
      order.side > 0 ? pos + this.openBuyQty[s] + order.qty : pos - this.openSellQty[s] - order.qty;
    const grows = Math.abs(worst) > Math.abs(pos);
    if (grows && Math.abs(worst) > this.limits.maxPositionQty) return 'max_position';
    const exposure = grows ? this.grossWithOpenOrders() : 0;
    const exposureAfter = exposure + order.qty * order.limitPx;
    if (grows && exposureAfter > this.limits.maxPortfolioNotionalUsd) return 'max_portfolio_value';
    if (grows && this.overClusterBudget(exposure, exposureAfter)) return 'cluster_budget';
    // Last, so a refused order never spends a token.
    if (!this.throttle.tryTake(order.routeTsNs)) return 'rate_limit';
    if (grows) this.noteExposure(exposureAfter);
    return null;
  }

  /**
   * With --cluster: the order may not take this daemon's exposure past the allowance it holds of
   * the cluster's global budget (main refills it off the hot path). Publishes the exposure so main
   * knows how much of the allowance is in use.
   */
  private overClusterBudget(exposure: number, after: number): boolean {
    const c = this.metrics.counters;
    if (c.get(this.slots.clusterBudgetOn) !== 1) return false;
    c.set(this.slots.exposure, exposure);
    return after > c.get(this.slots.clusterGranted);
  }

  private noteExposure(after: number): void {
    const c = this.metrics.counters;
    c.set(this.slots.exposure, after);
    if (after > c.get(this.slots.exposureMax)) c.set(this.slots.exposureMax, after);
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

  /** Applies a report; false (and nothing applied) when its exec id was applied already. */
  onExecReport(r: ExecReport): boolean {
    const c = this.metrics.counters;
    if (r.execId > 0) {
      if (r.execId <= this.lastExecId) {
        this.duplicateReports++;
        c.add(this.slots.duplicateReports, 1);
        return false;
      }
      this.lastExecId = r.execId;
    }
    if (r.kind === ExecKind.ackTimeout) {
      // Informational: the order stays open, a late ack or fill still applies.
      c.add(this.slots.ackTimeouts, 1);
      return true;
    }
    const s = r.symbolId;
    if (!(s >= 0 && s < this.symbolCount)) {
      c.add(this.slots.anomalies, 1);
      return true;
    }
    const open = r.side > 0 ? this.openBuyQty : this.openSellQty;
    const anomaliesBefore = this.orders.anomalies;
    switch (r.kind) {
      case ExecKind.ack:
        this.orders.onAck(r.clientOrderId);
        this.watchRejectRate(false, r.recvTsNs);
        break;
      case ExecKind.fill: {
        this.positions.applyFill(s, r.side, r.fillQty, r.fillPx, r.feeUsd);
        open[s] = Math.max(0, open[s] - r.fillQty);
        const leaves = this.orders.onFill(r.clientOrderId, r.fillQty);
        c.add(this.slots.fills, 1);
        c.add(this.slots.filledQty, r.fillQty);
        if (leaves === 0) c.add(this.slots.filled, 1);
        this.checkLossLimit(s);
        break;
      }
      case ExecKind.reject:
      case ExecKind.expired:
      case ExecKind.cancel:
        if (r.kind === ExecKind.reject) this.watchRejectRate(true, r.recvTsNs);
        open[s] = Math.max(0, open[s] - this.orders.onDone(r.clientOrderId));
        c.add(
          r.kind === ExecKind.reject
            ? this.slots.rejectedVenue
            : r.kind === ExecKind.expired
              ? this.slots.expired
              : this.slots.cancelled,
          1,
        );
        break;
    }
    if (this.orders.anomalies !== anomaliesBefore)
      c.add(this.slots.anomalies, this.orders.anomalies - anomaliesBefore);
    return true;
  }

  /** Total P&L now, marking `symbolId` to a fresh mid (others to their last marks). */
  totalPnl(): number {
    const p = this.positions;
    return p.totalRealized() + p.totalUnrealized(this.marks) - p.totalFees();
  }

  /** Loss limit (from the start) and drawdown limit (from the best P&L so far), on every fill. */
  private checkLossLimit(symbolId: number): void {
    const mid = this.quotes.referenceMid(symbolId);
    if (!Number.isNaN(mid)) this.marks[symbolId] = mid;
    const pnl = this.totalPnl();
    if (pnl > this.peakPnl[0]) this.peakPnl[0] = pnl;
    if (pnl < -this.limits.maxLossUsd) this.tripBreaker(Breaker.lossLimit);
    if (this.peakPnl[0] - pnl > this.limits.maxDrawdownUsd) this.tripBreaker(Breaker.drawdown);
  }

  /** Venue reject rate: too many rejects -> reducing; auto-reset after a calm cool-down. */
  private watchRejectRate(rejected: boolean, nowNs: number): void {
    const verdict = this.rejectRate.onAnswer(rejected, nowNs);
    if (verdict > 0) this.tripBreaker(Breaker.rejectRate);
    else if (verdict < 0) this.breakers.reset(Breaker.rejectRate);
  }

  private tripBreaker(b: BreakerSpec): void {
    if (!this.breakers.trip(b)) return;
    this.metrics.counters.add(this.slots.breakerTrips, 1);
    if (b.state > this.state) this.state = b.state;
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
    c.set(this.slots.openOrders, this.orders.openCount);
    for (let s = 0; s < this.symbolCount; s++) c.set(this.slots.position[s], p.position[s]);
  }
}
