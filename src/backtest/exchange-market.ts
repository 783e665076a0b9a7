/**
 * The venues' own view of the market in a backtest: each tick applied at its exchange stamp
 * (the strategy sees it later, at its receive stamp: that gap is the feed latency). Holds the
 * top of book per symbol and venue and walks the recording in exchange-time order.
 */
import { type Tick, TickCodec, TickFlag } from '../shm/records.js';
import type { BacktestData } from './backtest-data.js';

export class ExchangeMarket {
  readonly bidPx: Float64Array;
  readonly askPx: Float64Array;
  readonly bidQty: Float64Array;
  readonly askQty: Float64Array;
  /** Per book: how many quotes have been applied (a new version restores the displayed size our orders took). */
  readonly quoteVersion: Float64Array;
  /** The tick being applied: `prev*` hold the book as it was before it. */
  readonly tick: Tick = TickCodec.create();
  prevBidPx = 0;
  prevBidQty = 0;
  prevAskPx = 0;
  prevAskQty = 0;
  /** Ticks skipped for a non-finite or crossed quote or a bad trade. */
  invalid = 0;
  private readonly order: Int32Array;
  private cursor = 0;
  private readonly exchTs: Float64Array;

  constructor(
    private readonly data: BacktestData,
    readonly venueCount: number,
    readonly symbolCount: number,
  ) {
    const books = venueCount * symbolCount;
    this.bidPx = new Float64Array(books);
    this.askPx = new Float64Array(books);
    this.bidQty = new Float64Array(books);
    this.askQty = new Float64Array(books);
    this.quoteVersion = new Float64Array(books);
    const exch = data.ticks.column('exchTsNs');
    const recv = data.ticks.column('recvTsNs');
    // Sources that stamp no exchange time: the venue saw it when we did.
    for (let i = 0; i < exch.length; i++) if (!(exch[i] > 0)) exch[i] = recv[i];
    this.exchTs = exch;
    this.order = exchangeOrder(exch);
  }

  /** Exchange time of the next tick, +Infinity at the end. */
  nextTsNs(): number {
    return this.cursor < this.order.length ? this.exchTs[this.order[this.cursor]] : Number.POSITIVE_INFINITY;
  }

  book(symbolId: number, venueId: number): number {
    return symbolId * this.venueCount + venueId;
  }

  /**
   * Applies the next tick to its book and leaves it in `tick` (with the book's previous top in
   * `prev*`); returns the book index, or -1 when the tick was invalid and skipped.
   */
  applyNext(): number {
    const t = this.tick;
    this.data.ticks.read(this.order[this.cursor++], t);
    if (
      !isValid(t) ||
      !(t.symbolId >= 0 && t.symbolId < this.symbolCount && t.venueId >= 0 && t.venueId < this.venueCount)
    ) {
      this.invalid++;
      return -1;
    }
    const b = this.book(t.symbolId, t.venueId);
    this.prevBidPx = this.bidPx[b];
    this.prevBidQty = this.bidQty[b];
    this.prevAskPx = this.askPx[b];
    this.prevAskQty = this.askQty[b];
    if ((t.flags & TickFlag.quote) !== 0) {
      this.bidPx[b] = t.bidPx;
      this.askPx[b] = t.askPx;
      this.bidQty[b] = t.bidQty;
      this.askQty[b] = t.askQty;
      this.quoteVersion[b]++;
    }
    return b;
  }
}

/** Tick indices in exchange-time order (file order among equal stamps); no sort when already ordered. */
function exchangeOrder(ts: Float64Array): Int32Array {
  const idx = new Int32Array(ts.length);
  let sorted = true;
  for (let i = 0; i < ts.length; i++) {
    idx[i] = i;
    if (i > 0 && ts[i] < ts[i - 1]) sorted = false;
  }
  return sorted ? idx : idx.sort((a, b) => ts[a] - ts[b] || a - b);
}

function isValid(t: Tick): boolean {
  if ((t.flags & TickFlag.quote) !== 0) {
    if (!(t.bidPx > 0 && t.askPx > t.bidPx && Number.isFinite(t.askPx))) return false;
    if (!(t.bidQty >= 0 && t.askQty >= 0 && Number.isFinite(t.bidQty + t.askQty))) return false;
  }
  if ((t.flags & TickFlag.trade) !== 0) {
    if (!(t.lastPx > 0 && Number.isFinite(t.lastPx) && t.lastQty >= 0 && Number.isFinite(t.lastQty)))
      return false;
  }
  return true;
}
