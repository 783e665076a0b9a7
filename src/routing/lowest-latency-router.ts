/** Sends to the quoting venue with the lowest forecast mean latency; unmeasured venues go first. */
import { ForecastCol } from '../ml/forecast-table.js';
import type { OrderIntent } from '../strategies/strategy.js';
import type { RouteContext, Router } from './router.js';

export class LowestLatencyRouter implements Router {
  readonly name = 'lowest-latency';

  route(intent: OrderIntent, ctx: RouteContext): number {
    let best = -1;
    let bestNs = Number.POSITIVE_INFINITY;
    for (let v = 0; v < ctx.book.venueCount; v++) {
      const i = ctx.book.index(intent.symbolId, v);
      if (!((intent.side > 0 ? ctx.book.askPx[i] : ctx.book.bidPx[i]) > 0) || !ctx.venues.venueUsable(v))
        continue;
      const meanNs = ctx.forecasts.get(v, ForecastCol.meanNs);
      // A venue never measured is explored first (NaN sorts as 0).
      const key = Number.isNaN(meanNs) ? 0 : meanNs;
      if (key < bestNs) {
        bestNs = key;
        best = v;
      }
    }
    return best;
  }
}
