/** Top of book per (symbol, venue), kept by the thread that consumes the tick stream. */
import type { Tick } from '../shm/records.js';

export class BookTops {
  readonly bidPx: Float64Array;
  readonly askPx: Float64Array;
  readonly bidQty: Float64Array;
  readonly askQty: Float64Array;

  constructor(
    readonly symbolCount: number,
    readonly venueCount: number,
  ) {
    const n = symbolCount * venueCount;
    this.bidPx = new Float64Array(n);
    this.askPx = new Float64Array(n);
    this.bidQty = new Float64Array(n);
    this.askQty = new Float64Array(n);
  }

  update(t: Tick): void {
    const i = t.symbolId * this.venueCount + t.venueId;
    this.bidPx[i] = t.bidPx;
    this.askPx[i] = t.askPx;
    this.bidQty[i] = t.bidQty;
    this.askQty[i] = t.askQty;
  }

  index(symbolId: number, venueId: number): number {
    return symbolId * this.venueCount + venueId;
  }

  /** Cross-venue mid, NaN until some venue quotes both sides. */
  mid(symbolId: number): number {
    let bid = 0;
    let ask = Number.POSITIVE_INFINITY;
    const base = symbolId * this.venueCount;
    for (let v = 0; v < this.venueCount; v++) {
      if (this.askPx[base + v] === 0) continue;
      if (this.bidPx[base + v] > bid) bid = this.bidPx[base + v];
      if (this.askPx[base + v] < ask) ask = this.askPx[base + v];
    }
    return bid > 0 && ask < Number.POSITIVE_INFINITY ? (bid + ask) / 2 : Number.NaN;
  }
}
