/**
 * Sends to the quoting venue with the lowest forecast latency in one column of the forecast
 * table; a venue never measured is explored first (NaN ranks as 0). `lowest-latency` ranks by the
 * forecast mean, which a spiky venue's tail inflates; `predicted-latency` by the predict stage's
 * p50 (its latency model's median round trip).
 */
import { ForecastCol } from '../ml/forecast-table.js';
import type { OrderIntent } from '../strategies/strategy.js';
import type { RouteContext, Router } from './router.js';

export class LowestLatencyRouter implements Router {
  constructor(
    readonly name: 'lowest-latency' | 'predicted-latency' = 'lowest-latency',
    private readonly column: number = name === 'lowest-latency' ? ForecastCol.meanNs : ForecastCol.p50Ns,
  ) {}

  route(intent: OrderIntent, ctx: RouteContext): number {
    let best = -1;
    let bestNs = Number.POSITIVE_INFINITY;
    for (let v = 0; v < ctx.book.venueCount; v++) {
      const i = ctx.book.index(intent.symbolId, v);
      if (!((intent.side > 0 ? ctx.book.askPx[i] : ctx.book.bidPx[i]) > 0) || !ctx.venues.venueUsable(v))
        continue;
      const ns = ctx.forecasts.get(v, this.column);
      const key = Number.isNaN(ns) ? 0 : ns;
      if (key < bestNs) {
        bestNs = key;
        best = v;
      }
    }
    return best;
  }
}
