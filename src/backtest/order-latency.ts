/**
 * Order latency in the backtest: how long an order (or cancel) takes to reach the venue
 * (entry) and how long the venue's answer takes to come back (response), the venue
 * simulation's `LegLatency` (src/venues/models/leg-latency.ts) over a configured or recorded
 * round trip (hftbacktest's ConstantLatency and IntpOrderLatency are the reference).
 */
import { upperBound } from '../core/sorted-search.js';
import { entryLegNs, type LegLatency, responseLegNs } from '../venues/models/leg-latency.js';

/** The same round trip every time, per venue, split into the venue simulation's two legs. */
export class ConstantOrderLatency implements LegLatency {
  readonly name = 'constant';
  private readonly entryLeg: Float64Array;
  private readonly responseLeg: Float64Array;

  constructor(roundTripNs: readonly number[], multiplier = 1) {
    for (const rtt of roundTripNs) {
      if (!(rtt >= 0 && Number.isFinite(rtt))) {
        throw new RangeError(`constant latency: round trip must be >= 0 ns, got ${rtt}`);
      }
    }
    this.entryLeg = Float64Array.from(roundTripNs, (rtt) => entryLegNs(rtt * multiplier));
    this.responseLeg = Float64Array.from(roundTripNs, (rtt) => responseLegNs(rtt * multiplier));
  }

  entryNs(venueId: number): number {
    return this.entryLeg[venueId];
  }

  responseNs(venueId: number): number {
    return this.responseLeg[venueId];
  }
}

/** Measured order round trips of one venue, in time order. */
export interface VenueLatencySeries {
  readonly tsNs: Float64Array;
  readonly roundTripNs: Float64Array;
}

/**
 * The round trip measured around `atNs`, linearly interpolated between the two samples either
 * side (the nearest one outside the sampled span), split into the two legs (leg-latency.ts): a
 * recording holds round trips, not the venue's own receive stamp. Venues without samples fall
 * back to `fallback`.
 */
export class InterpolatedOrderLatency implements LegLatency {
  readonly name = 'interpolated';
  /** Per venue: the index of the last lookup, so time-ordered lookups cost O(1). */
  private readonly cursor: Int32Array;

  constructor(
    private readonly series: readonly VenueLatencySeries[],
    private readonly fallback: LegLatency,
    private readonly multiplier = 1,
  ) {
    this.cursor = new Int32Array(series.length);
  }

  entryNs(venueId: number, atNs: number): number {
    const s = this.series[venueId];
    if (s === undefined || s.tsNs.length === 0) return this.fallback.entryNs(venueId, atNs);
    return entryLegNs(this.roundTripAt(venueId, s, atNs) * this.multiplier);
  }

  responseNs(venueId: number, atNs: number): number {
    const s = this.series[venueId];
    if (s === undefined || s.tsNs.length === 0) return this.fallback.responseNs(venueId, atNs);
    return responseLegNs(this.roundTripAt(venueId, s, atNs) * this.multiplier);
  }

  private roundTripAt(venueId: number, s: VenueLatencySeries, atNs: number): number {
    const ts = s.tsNs;
    const last = ts.length - 1;
    if (atNs <= ts[0]) return s.roundTripNs[0];
    if (atNs >= ts[last]) return s.roundTripNs[last];
    let i = this.cursor[venueId];
    if (ts[i] > atNs) i = upperBound(ts, atNs) - 1;
    while (i < last && ts[i + 1] <= atNs) i++;
    this.cursor[venueId] = i;
    const t0 = ts[i];
    const t1 = ts[i + 1];
    const w = t1 > t0 ? (atNs - t0) / (t1 - t0) : 0;
    return s.roundTripNs[i] + w * (s.roundTripNs[i + 1] - s.roundTripNs[i]);
  }
}

/**
 * Our own processing time (tick receive -> order hand-off) as it was measured when the data was
 * recorded: an order decided at `atNs` is handed to the venue this much later, the value of the
 * latest recorded decision at or before `atNs` (0 before the first). The backtest's clock does not
 * move while the stages compute, so without this every order would leave the instant its tick came.
 */
export class RecordedDecisionLatency {
  private cursor = 0;

  constructor(private readonly series: VenueLatencySeries) {}

  get samples(): number {
    return this.series.tsNs.length;
  }

  atNs(atNs: number): number {
    const ts = this.series.tsNs;
    if (ts.length === 0 || atNs < ts[0]) return 0;
    let i = this.cursor;
    if (ts[i] > atNs) i = upperBound(ts, atNs) - 1;
    while (i < ts.length - 1 && ts[i + 1] <= atNs) i++;
    this.cursor = i;
    return this.series.roundTripNs[i];
  }
}
