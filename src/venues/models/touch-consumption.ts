import { type IocFill, matchIoc } from './ioc-match.js';

/**
 * What our own orders took from each displayed touch: per book (symbol x venue) and side, the
 * version of the touch they took from and how many shares. A venue that has not republished its
 * quote since still shows those shares, but they are gone; a new version of the quote restores
 * the whole displayed size (NautilusTrader's `liquidity_consumption`; hftbacktest lets every
 * taker order meet the full displayed size again). Preallocated: nothing is allocated per order.
 */
export class TouchConsumption {
  private readonly version: Float64Array;
  private readonly taken: Float64Array;

  constructor(readonly books: number) {
    this.version = new Float64Array(2 * books).fill(-1);
    this.taken = new Float64Array(2 * books);
  }

  /** Forgets everything taken (a new episode or session). */
  reset(): void {
    this.version.fill(-1);
    this.taken.fill(0);
  }

  /** Shares our orders already took from version `touchVersion` of the book's `side` touch (+1: the ask a buy takes). */
  takenQty(book: number, side: number, touchVersion: number): number {
    const k = 2 * book + (side > 0 ? 1 : 0);
    return this.version[k] === touchVersion ? this.taken[k] : 0;
  }

  /** Records `qty` more shares taken from version `touchVersion` of the touch. */
  take(book: number, side: number, touchVersion: number, qty: number): void {
    const k = 2 * book + (side > 0 ? 1 : 0);
    if (this.version[k] !== touchVersion) {
      this.version[k] = touchVersion;
      this.taken[k] = 0;
    }
    this.taken[k] += qty;
  }

  /**
   * Matches an IOC of ours against version `touchVersion` of the book's touch net of what we
   * already took from it (ioc-match.ts); `commit` records the shares it takes (false: a
   * counterfactual that leaves the touch as it was).
   */
  matchIoc(
    book: number,
    side: number,
    qty: number,
    limitPx: number,
    touchPx: number,
    touchQty: number,
    touchVersion: number,
    commit: boolean,
    out: IocFill,
  ): IocFill {
    matchIoc(side, qty, limitPx, touchPx, touchQty, this.takenQty(book, side, touchVersion), out);
    if (commit && out.filledQty > 0) this.take(book, side, touchVersion, out.filledQty);
    return out;
  }
}
