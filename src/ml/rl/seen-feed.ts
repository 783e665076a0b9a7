/**
 * The market as the router sees it: every venue's true book changes from the tape, delivered a
 * one-way feed delay later (a venue that is down sends nothing, so its last quote goes stale),
 * applied in arrival order to a BookTops and to the routing features' quote clock and mid drift.
 * Prices in the book are in currency units, as the route stage keeps them.
 */
import { BookTops } from '../../market/book-tops.js';
import type { WorldTape } from '../../venues/models/world-tape.js';
import type { RoutingFeatures } from './routing-features.js';

export class SeenFeed {
  readonly book: BookTops;
  private readonly cursor: Int32Array;
  private readonly delayNs: Float64Array;

  constructor(
    private readonly tape: WorldTape,
    private readonly features: RoutingFeatures,
  ) {
    const n = tape.venueCount;
    this.book = new BookTops(1, n);
    this.cursor = new Int32Array(n);
    this.delayNs = Float64Array.from(tape.p.venues, (v) => v.feedDelayNs);
  }

  /** Applies every change that has reached us by `tNs`. */
  advanceTo(tNs: number): void {
    const tick = this.tape.p.tickPx;
    for (;;) {
      let v = -1;
      let at = Number.POSITIVE_INFINITY;
      for (let k = 0; k < this.cursor.length; k++) {
        const b = this.tape.books[k];
        const c = this.cursor[k];
        if (c >= b.ts.length) continue;
        const seenNs = b.ts.data[c] + this.delayNs[k];
        if (seenNs <= tNs && seenNs < at) {
          at = seenNs;
          v = k;
        }
      }
      if (v < 0) return;
      const b = this.tape.books[v];
      const c = this.cursor[v]++;
      this.book.bidPx[v] = b.bid.data[c] * tick;
      this.book.askPx[v] = b.ask.data[c] * tick;
      this.book.bidQty[v] = b.bidQty.data[c];
      this.book.askQty[v] = b.askQty.data[c];
      this.features.onQuote(0, v, at, this.book);
    }
  }
}
