/**
 * Best price, adjusted for latency: the expected cost per share of sending the whole order to a
 * venue, from its quote, fee and latency forecast. A touch is still there when the order arrives
 * (half the forecast p50 round trip later) with probability exp(-entry / touchLife), scaled by
 * how much of the order it shows; shares it misses pay the worst touch among the venues (the price
 * once the cheap quotes are gone), `missBps` more (the retry goes through it) and the highest fee.
 * A venue whose forecast quantiles reach the ack timeout risks a timeout, which costs
 * `timeoutBps` more. The constants are tuned on training seeds (`hft eval routing --tune`,
 * docs/rl-routing.md); without forecasts it is best price with a size penalty.
 */
import { ForecastCol } from '../ml/forecast-table.js';
import type { OrderIntent } from '../strategies/strategy.js';
import { ENTRY_SHARE } from '../venues/models/order-latency.js';
import type { RouteContext, Router } from './router.js';

export interface LatencyAdjustedParams {
  /** Mean life of a touch once our order is on its way, ns. */
  readonly touchLifeNs: number;
  /** Extra cost of a missed share beyond the worst touch, bps. */
  readonly missBps: number;
  /** Extra cost of an order that times out, bps of the mid. */
  readonly timeoutBps: number;
  /** The ack timeout (risk.ack_timeout_ms), ns. */
  readonly timeoutNs: number;
}

/** Tuned on training seeds: `hft eval routing --tune` (docs/rl-routing.md). */
export const DEFAULT_LATENCY_ADJUSTED = { touchLifeNs: 400e3, missBps: 8, timeoutBps: 5 } as const;

export class LatencyAdjustedRouter implements Router {
  readonly name = 'latency-adjusted';

  constructor(private readonly p: LatencyAdjustedParams) {}

  route(intent: OrderIntent, ctx: RouteContext): number {
    const { book, feeBps, forecasts } = ctx;
    const side = intent.side;
    let missPx = 0;
    let maxFee = 0;
    for (let v = 0; v < book.venueCount; v++) {
      const px = this.touch(intent, ctx, v);
      if (px > 0 && (missPx === 0 || side * (px - missPx) > 0)) missPx = px;
      if (px > 0) maxFee = Math.max(maxFee, feeBps[v]);
    }
    const missCost = side * missPx + (missPx * (maxFee + this.p.missBps)) / 1e4;
    let best = -1;
    let bestCost = Number.POSITIVE_INFINITY;
    for (let v = 0; v < book.venueCount; v++) {
      const px = this.touch(intent, ctx, v);
      if (!(px > 0) || !ctx.venues.venueUsable(v)) continue;
      const i = book.index(intent.symbolId, v);
      const shown = side > 0 ? book.askQty[i] : book.bidQty[i];
      const p50 = forecasts.get(v, ForecastCol.p50Ns);
      const entryNs = Number.isNaN(p50) ? 0 : p50 * ENTRY_SHARE;
      const survive = Math.exp(-entryNs / this.p.touchLifeNs) * Math.min(1, shown / Math.max(1, intent.qty));
      const pTimeout = this.timeoutOdds(ctx, v);
      const takeCost = side * px + (px * feeBps[v]) / 1e4;
      const expected = survive * takeCost + (1 - survive) * missCost;
      const cost = (1 - pTimeout) * expected + pTimeout * (missCost + (px * this.p.timeoutBps) / 1e4);
      if (cost < bestCost) {
        bestCost = cost;
        best = v;
      }
    }
    return best;
  }

  private touch(intent: OrderIntent, ctx: RouteContext, v: number): number {
    const i = ctx.book.index(intent.symbolId, v);
    return intent.side > 0 ? ctx.book.askPx[i] : ctx.book.bidPx[i];
  }

  /** Odds of a timeout from where the forecast quantiles stand against the ack timeout. */
  private timeoutOdds(ctx: RouteContext, v: number): number {
    const t = this.p.timeoutNs;
    if (ctx.forecasts.get(v, ForecastCol.p50Ns) >= t) return 1;
    if (ctx.forecasts.get(v, ForecastCol.p90Ns) >= t) return 0.5;
    if (ctx.forecasts.get(v, ForecastCol.p99Ns) >= t) return 0.05;
    return 0;
  }
}
