/**
 * One episode's market, recorded up front: the simulated market (src/market/sim-market.ts) run
 * for the episode's span, keeping every venue's top of book in time order. An order's fill is
 * then read from the venue's book as it stood when the order *arrived* there, after its latency,
 * so the reward sees the real price moves that happened while the order was in flight.
 */

import type { VenueConfig } from '../../config/config-types.js';
import { Registry } from '../../core/registry.js';
import { SimMarket } from '../../market/sim-market.js';
import { TickCodec } from '../../shm/records.js';

export interface TapeOptions {
  venues: readonly VenueConfig[];
  symbol: string;
  /** Quote updates per second across the venues (Poisson), as the daemon sees for one symbol. */
  ratePerSec: number;
  seed: number;
  spanNs: number;
}

/** Quotes of one venue: parallel arrays sorted by time. */
export interface VenueQuotes {
  readonly tsNs: Float64Array;
  readonly bidPx: Float64Array;
  readonly askPx: Float64Array;
  readonly bidQty: Float64Array;
  readonly askQty: Float64Array;
  readonly length: number;
}

export class MarketTape {
  readonly venues: readonly VenueQuotes[];
  /** Every quote in time order: its venue and its index in that venue's arrays. */
  readonly seqVenue: Int32Array;
  readonly seqIndex: Int32Array;
  readonly seqLength: number;
  readonly startNs = 0;
  readonly endNs: number;

  constructor(opts: TapeOptions) {
    const registry = new Registry({ symbols: [opts.symbol], venues: opts.venues.map((v) => v.name) });
    const market = new SimMarket(registry, opts.venues, {
      ratePerSec: opts.ratePerSec,
      seed: opts.seed,
      startNs: 0,
    });
    const n = opts.venues.length;
    const cap = Math.ceil(((opts.ratePerSec * opts.spanNs) / 1e9 / n) * 1.3) + 64;
    const cols = Array.from({ length: n }, () => ({
      tsNs: new Float64Array(cap),
      bidPx: new Float64Array(cap),
      askPx: new Float64Array(cap),
      bidQty: new Float64Array(cap),
      askQty: new Float64Array(cap),
      length: 0,
    }));
    const seqVenue = new Int32Array(cap * n);
    const seqIndex = new Int32Array(cap * n);
    let seqLength = 0;
    const tick = TickCodec.create();
    for (;;) {
      const due = market.nextDueNs();
      if (due > opts.spanNs) break;
      if (!market.poll(due, tick)) continue;
      const c = cols[tick.venueId];
      if (c.length === c.tsNs.length) continue; // a Poisson run past 1.3x the mean: keep the prefix
      const i = c.length++;
      c.tsNs[i] = tick.exchTsNs;
      c.bidPx[i] = tick.bidPx;
      c.askPx[i] = tick.askPx;
      c.bidQty[i] = tick.bidQty;
      c.askQty[i] = tick.askQty;
      seqVenue[seqLength] = tick.venueId;
      seqIndex[seqLength++] = i;
    }
    this.venues = cols;
    this.seqVenue = seqVenue;
    this.seqIndex = seqIndex;
    this.seqLength = seqLength;
    this.endNs = opts.spanNs;
  }

  get venueCount(): number {
    return this.venues.length;
  }

  /** Index of the venue's newest quote at or before `tNs`; -1 before its first quote. */
  indexAt(venueId: number, tNs: number): number {
    const q = this.venues[venueId];
    let lo = 0;
    let hi = q.length - 1;
    if (hi < 0 || q.tsNs[0] > tNs) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (q.tsNs[mid] <= tNs) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Cross-venue mid (best bid and best ask over the venues) at `tNs`; NaN until one quotes. */
  midAt(tNs: number): number {
    let bid = 0;
    let ask = Number.POSITIVE_INFINITY;
    for (let v = 0; v < this.venues.length; v++) {
      const i = this.indexAt(v, tNs);
      if (i < 0) continue;
      const q = this.venues[v];
      if (q.bidPx[i] > bid) bid = q.bidPx[i];
      if (q.askPx[i] < ask) ask = q.askPx[i];
    }
    return bid > 0 && ask < Number.POSITIVE_INFINITY ? (bid + ask) / 2 : Number.NaN;
  }

  /** Time by which every venue has quoted at least once. */
  warmedUpNs(): number {
    let t = 0;
    for (const q of this.venues) t = Math.max(t, q.length > 0 ? q.tsNs[0] : Number.POSITIVE_INFINITY);
    return t;
  }
}
