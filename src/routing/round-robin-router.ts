/** Cycles through the venues that quote the symbol; the baseline every smarter router must beat. */
import type { OrderIntent } from '../strategies/strategy.js';
import type { RouteContext, Router } from './router.js';

export class RoundRobinRouter implements Router {
  readonly name = 'round-robin';
  private nextVenue = 0;

  route(intent: OrderIntent, ctx: RouteContext): number {
    const n = ctx.book.venueCount;
    for (let k = 0; k < n; k++) {
      const v = (this.nextVenue + k) % n;
      const i = ctx.book.index(intent.symbolId, v);
      if ((intent.side > 0 ? ctx.book.askPx[i] : ctx.book.bidPx[i]) > 0 && ctx.venues.venueUsable(v)) {
        this.nextVenue = (v + 1) % n;
        return v;
      }
    }
    return -1;
  }
}
