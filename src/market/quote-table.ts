/**
 * Latest top of book per (symbol, venue), published by ingest and read without waiting by risk
 * (reference price) and the simulated venues (matching). A seqlock table underneath.
 */

import type { Tick } from '../shm/records.js';
import { createSeqlockTable, SeqlockTable, type SeqlockTableHandle } from '../shm/seqlock-table.js';

export const QuoteCol = { bidPx: 0, askPx: 1, bidQty: 2, askQty: 3, tsNs: 4 } as const;
const COLS = 5;

export function createQuoteTable(symbols: number, venues: number): SeqlockTableHandle {
  return createSeqlockTable(symbols * venues, COLS);
}

export class QuoteTable {
  private readonly table: SeqlockTable;
  private readonly row = new Float64Array(COLS);
  /** Newest quote stamp seen by the last `referenceMid` call (typed cell: no boxing). */
  private readonly refTs = new Float64Array(1);

  constructor(
    handle: SeqlockTableHandle,
    readonly venueCount: number,
  ) {
    this.table = new SeqlockTable(handle);
  }

  publish(tick: Tick): void {
    const r = tick.symbolId * this.venueCount + tick.venueId;
    const t = this.table;
    t.beginWrite(r);
    t.set(r, QuoteCol.bidPx, tick.bidPx);
    t.set(r, QuoteCol.askPx, tick.askPx);
    t.set(r, QuoteCol.bidQty, tick.bidQty);
    t.set(r, QuoteCol.askQty, tick.askQty);
    t.set(r, QuoteCol.tsNs, tick.recvTsNs);
    t.endWrite(r);
  }

  /**
   * Copies the venue's quote into `out` (columns as QuoteCol) and returns false when the venue
   * has not quoted the symbol yet.
   */
  read(symbolId: number, venueId: number, out: Float64Array): boolean {
    return this.table.readRow(symbolId * this.venueCount + venueId, out) !== 0;
  }

  /**
   * Like `read`, and returns the version of the quote copied (0: never quoted), which changes
   * whenever the venue republishes it.
   */
  readVersion(symbolId: number, venueId: number, out: Float64Array): number {
    return this.table.readRow(symbolId * this.venueCount + venueId, out);
  }

  /** Rows of the table: symbols x venues. */
  get bookCount(): number {
    return this.table.rows;
  }

  /** Changes whenever the venue's quote of the symbol is republished (0: never quoted). */
  version(symbolId: number, venueId: number): number {
    return this.table.version(symbolId * this.venueCount + venueId);
  }

  /** Cross-venue mid: (best bid + best ask) / 2 over venues that quote; NaN when none does. */
  referenceMid(symbolId: number): number {
    let bestBid = 0;
    let bestAsk = Number.POSITIVE_INFINITY;
    this.refTs[0] = 0;
    for (let v = 0; v < this.venueCount; v++) {
      if (!this.read(symbolId, v, this.row)) continue;
      if (this.row[QuoteCol.tsNs] > this.refTs[0]) this.refTs[0] = this.row[QuoteCol.tsNs];
      if (this.row[QuoteCol.bidPx] > bestBid) bestBid = this.row[QuoteCol.bidPx];
      if (this.row[QuoteCol.askPx] < bestAsk) bestAsk = this.row[QuoteCol.askPx];
    }
    if (bestBid === 0 || bestAsk === Number.POSITIVE_INFINITY) return Number.NaN;
    return (bestBid + bestAsk) / 2;
  }

  /** Receive stamp of the newest quote behind the last `referenceMid` call. */
  lastReferenceTsNs(): number {
    return this.refTs[0];
  }
}
