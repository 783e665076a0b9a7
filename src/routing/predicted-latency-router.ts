/**
 * Greedy on predicted latency: sends to the quoting venue whose forecast median round trip (the
 * predict stage's p50, from its latency model) is lowest. lowest-latency ranks by the mean
 * instead, which a spiky venue's tail inflates; unmeasured venues go first in both.
 */
import { ForecastCol } from '../ml/forecast-table.js';
import type { OrderIntent } from '../strategies/strategy.js';
import type { RouteContext, Router } from './router.js';

export class PredictedLatencyRouter implements Router {
  readonly name = 'predicted-latency';

  route(intent: OrderIntent, ctx: RouteContext): number {
    let best = -1;
    let bestNs = Number.POSITIVE_INFINITY;
    for (let v = 0; v < ctx.book.venueCount; v++) {
      const i = ctx.book.index(intent.symbolId, v);
      if (!((intent.side > 0 ? ctx.book.askPx[i] : ctx.book.bidPx[i]) > 0) || !ctx.venues.venueUsable(v))
        continue;
      const p50Ns = ctx.forecasts.get(v, ForecastCol.p50Ns);
      const key = Number.isNaN(p50Ns) ? 0 : p50Ns;
      if (key < bestNs) {
        bestNs = key;
        best = v;
      }
    }
    return best;
  }
}
