/** Sends to the venue with the best quoted price after taker fees (buy: lowest ask, sell: highest bid). */
import type { OrderIntent } from '../strategies/strategy.js';
import type { RouteContext, Router } from './router.js';

export class BestPriceRouter implements Router {
  readonly name = 'best-price';

  route(intent: OrderIntent, ctx: RouteContext): number {
    const { book, feeBps } = ctx;
    let best = -1;
    let bestCost = Number.POSITIVE_INFINITY;
    for (let v = 0; v < book.venueCount; v++) {
      const i = book.index(intent.symbolId, v);
      const px = intent.side > 0 ? book.askPx[i] : book.bidPx[i];
      if (!(px > 0) || !ctx.venues.venueUsable(v)) continue;
      // Cost per share in the order's direction: lower is better for both sides.
      const cost = intent.side * px + (px * feeBps[v]) / 1e4;
      if (cost < bestCost) {
        bestCost = cost;
        best = v;
      }
    }
    return best;
  }
}
