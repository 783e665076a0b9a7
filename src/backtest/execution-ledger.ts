/**
 * Watches the order flow between the execution stage and the backtest's venues: which venue each
 * order went to, what the predict stage forecast for it, its round trip, its fills and fees, and
 * the venue that would have been best in hindsight. Off the tick path (orders only), so plain
 * arrays and maps are fine here.
 */

import type { VenueGateway } from '../execution/venue-gateway.js';
import { ForecastCol, type ForecastTable } from '../ml/forecast-table.js';
import { ExecKind, type ExecReport, type Order, OrderType } from '../shm/records.js';
import type { HindsightObserver } from './backtest-exchange.js';
import type { RecordedDecisionLatency } from './order-latency.js';

export interface VenueTally {
  sent: number;
  /** Orders filled completely (as the pipeline's orders_filled counts them). */
  filled: number;
  filledQty: number;
  notional: number;
  fees: number;
  /** Cash paid (-) or received (+) for this venue's fills, per symbol. */
  cash: Float64Array;
  /** Shares bought (+) or sold (-) on this venue, per symbol. */
  position: Float64Array;
  /** Shares filled on this venue, per symbol. */
  symbolQty: Float64Array;
  /** Fees paid on this venue, per symbol. */
  symbolFees: Float64Array;
  ackUs: number[];
  predictedUs: number[];
  hindsightBest: number;
}

interface OpenOrder {
  venueId: number;
  side: number;
  filled: boolean;
  /** Effective price (fees included) of the first fill; NaN until filled. */
  routedPx: number;
  ended: boolean;
  /** IOC orders wait for the exchange's hindsight verdict before they are forgotten. */
  awaitingHindsight: boolean;
}

export class ExecutionLedger implements VenueGateway, HindsightObserver {
  readonly venues: VenueTally[];
  /** Hindsight verdicts: decisions judged, ones that matched; regret summed over filled ones. */
  decisions = 0;
  matched = 0;
  regretBps = 0;
  regretSamples = 0;
  private readonly open = new Map<number, OpenOrder>();
  private readonly pendingHindsight = new Map<number, { bestVenue: number; bestPx: number }>();
  private exchange: VenueGateway | null = null;
  /** Told of every order handed to the venues (the live-vs-backtest decision comparison). */
  onSent: ((order: Order) => void) | null = null;

  constructor(
    venueCount: number,
    private readonly symbolCount: number,
    private readonly forecasts: ForecastTable,
    private readonly takerFeeBps: Float64Array,
    /** Our recorded processing time, added before each order leaves (null: none). */
    private readonly decision: RecordedDecisionLatency | null = null,
  ) {
    this.venues = Array.from({ length: venueCount }, () => ({
      sent: 0,
      filled: 0,
      filledQty: 0,
      notional: 0,
      fees: 0,
      cash: new Float64Array(symbolCount),
      position: new Float64Array(symbolCount),
      symbolQty: new Float64Array(symbolCount),
      symbolFees: new Float64Array(symbolCount),
      ackUs: [],
      predictedUs: [],
      hindsightBest: 0,
    }));
  }

  /** The venues the ledger forwards to (set once, after the exchange is built with this as observer). */
  attach(exchange: VenueGateway): void {
    this.exchange = exchange;
  }

  get inFlight(): number {
    return this.gateway().inFlight;
  }

  submit(order: Order, nowNs: number): boolean {
    const handOffNs = nowNs + (this.decision?.atNs(nowNs) ?? 0);
    if (!this.gateway().submit(order, handOffNs)) return false;
    this.onSent?.(order);
    const v = this.venues[order.venueId];
    v.sent++;
    const forecast = this.forecasts.get(order.venueId, ForecastCol.p50Ns);
    if (!Number.isNaN(forecast)) v.predictedUs.push(forecast / 1e3);
    this.open.set(order.clientOrderId, {
      venueId: order.venueId,
      side: order.side,
      filled: false,
      routedPx: Number.NaN,
      ended: false,
      awaitingHindsight: order.type === OrderType.limitIoc,
    });
    return true;
  }

  cancel(clientOrderId: number, nowNs: number, out: ExecReport): boolean {
    return this.gateway().cancel(clientOrderId, nowNs, out);
  }

  nextDueNs(): number {
    return this.gateway().nextDueNs();
  }

  nextReport(nowNs: number, out: ExecReport): boolean {
    if (!this.gateway().nextReport(nowNs, out)) return false;
    this.onReport(out);
    return true;
  }

  onHindsight(clientOrderId: number, bestVenueId: number, bestEffectivePx: number): void {
    const o = this.open.get(clientOrderId);
    if (o === undefined) return;
    o.awaitingHindsight = false;
    if (o.ended) this.open.delete(clientOrderId);
    if (bestVenueId < 0) return;
    this.venues[bestVenueId].hindsightBest++;
    this.decisions++;
    if (o.venueId === bestVenueId) this.matched++;
    this.pendingHindsight.set(clientOrderId, { bestVenue: bestVenueId, bestPx: bestEffectivePx });
    this.judge(clientOrderId, o);
  }

  /** Final mark-to-market P&L of one venue's fills at `marks` (per symbol), net of fees. */
  venuePnl(venueId: number, marks: Float64Array): number {
    const v = this.venues[venueId];
    let pnl = -v.fees;
    for (let s = 0; s < this.symbolCount; s++) pnl += v.cash[s] + v.position[s] * (marks[s] || 0);
    return pnl;
  }

  private gateway(): VenueGateway {
    if (this.exchange === null) throw new Error('execution ledger: no exchange attached');
    return this.exchange;
  }

  private onReport(r: ExecReport): void {
    const v = this.venues[r.venueId];
    if (v === undefined) return;
    if (r.kind === ExecKind.ack) v.ackUs.push((r.recvTsNs - r.sentTsNs) / 1e3);
    const o = this.open.get(r.clientOrderId);
    if (r.kind === ExecKind.fill) {
      v.filledQty += r.fillQty;
      v.notional += r.fillQty * r.fillPx;
      v.fees += r.feeUsd;
      v.cash[r.symbolId] -= r.side * r.fillQty * r.fillPx;
      v.position[r.symbolId] += r.side * r.fillQty;
      v.symbolQty[r.symbolId] += r.fillQty;
      v.symbolFees[r.symbolId] += r.feeUsd;
      if (r.leavesQty === 0) v.filled++;
      if (o !== undefined && !o.filled) {
        o.filled = true;
        const fee = this.takerFeeBps[r.venueId] / 1e4;
        o.routedPx = r.side > 0 ? r.fillPx * (1 + fee) : r.fillPx * (1 - fee);
        this.judge(r.clientOrderId, o);
      }
    }
    const ends =
      r.kind !== ExecKind.ack &&
      r.kind !== ExecKind.ackTimeout &&
      (r.kind !== ExecKind.fill || r.leavesQty === 0);
    if (ends && o !== undefined) {
      o.ended = true;
      if (!o.awaitingHindsight) this.open.delete(r.clientOrderId);
    }
  }

  /** Regret: how much worse the routed fill was than the best venue's touch, once both are known. */
  private judge(clientOrderId: number, o: OpenOrder): void {
    const h = this.pendingHindsight.get(clientOrderId);
    if (h === undefined || Number.isNaN(o.routedPx)) return;
    this.pendingHindsight.delete(clientOrderId);
    const worse = o.side > 0 ? o.routedPx - h.bestPx : h.bestPx - o.routedPx;
    this.regretBps += Math.max(0, (worse / h.bestPx) * 1e4);
    this.regretSamples++;
  }
}
