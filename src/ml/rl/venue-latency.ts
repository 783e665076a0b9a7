/**
 * Order latency of every venue in an episode, from the venues' own latency stacks
 * (createVenueLatencyModel: regimes, spikes, bursts, outages) with the load dependence applied by the
 * environment, because only the environment knows which venue an order actually went to.
 *
 * Every order draws a round trip for *every* venue from one generator, so the draws do not
 * depend on the policy (common random numbers: each policy meets the same luck) and the
 * counterfactual latency of the venues not chosen is known for the hindsight-best venue. The
 * chosen venues' order-rate meters then advance; the time-driven processes (regimes, bursts,
 * outages) run on their own generators, so probes and counterfactual draws do not disturb them.
 */

import type { VenueConfig } from '../../config/config-types.js';
import { Random } from '../../core/random.js';
import { createVenueLatencyModel } from '../../market/latency/create-venue-latency-model.js';
import type { VenueLatencyModel } from '../../market/latency/venue-latency-model.js';

/** Same default as createVenueLatencyModel's load window. */
const DEFAULT_LOAD_WINDOW_MS = 1000;

export class VenueLatency {
  private readonly models: VenueLatencyModel[];
  private readonly rng: Random;
  private readonly probeRng: Random;
  /** Decayed order count per venue / window: an order-rate estimate, orders/s (as LoadDependentLatency). */
  private readonly rateHz: Float64Array;
  private readonly lastNs: Float64Array;
  private readonly windowNs: Float64Array;
  private readonly refHz: Float64Array;
  private readonly slope: Float64Array;
  /** Round trips drawn for the current order, ns, before load. */
  readonly drawnNs: Float64Array;

  constructor(venues: readonly VenueConfig[], seed: number) {
    this.models = venues.map((v, k) =>
      createVenueLatencyModel({ ...v.latency, load: undefined }, seed + 7919 * k),
    );
    this.rng = new Random(seed ^ 0x5bd1e995);
    this.probeRng = new Random(seed ^ 0x1b873593);
    const n = venues.length;
    this.rateHz = new Float64Array(n);
    this.lastNs = new Float64Array(n);
    this.windowNs = Float64Array.from(
      venues,
      (v) => (v.latency.load?.window_ms ?? DEFAULT_LOAD_WINDOW_MS) * 1e6,
    );
    this.refHz = Float64Array.from(
      venues,
      (v) => v.latency.load?.ref_orders_per_s ?? Number.POSITIVE_INFINITY,
    );
    this.slope = Float64Array.from(venues, (v) => v.latency.load?.slope ?? 0);
    this.drawnNs = new Float64Array(n);
  }

  get venueCount(): number {
    return this.models.length;
  }

  /** Draws this order's round trip for every venue (before load); read them with `roundTripNs`. */
  draw(nowNs: number): void {
    for (let v = 0; v < this.models.length; v++)
      this.drawnNs[v] = this.models[v].sampleRoundTripNs(nowNs, this.rng);
  }

  /** Round trip of an order sent now to `venueId` with `extraOrders` more orders counted (0 = load as it is). */
  roundTripNs(venueId: number, nowNs: number, extraOrders = 0): number {
    return this.drawnNs[venueId] * this.loadFactor(venueId, nowNs, extraOrders);
  }

  /** Counts one of our orders at the venue (after `roundTripNs` priced it). */
  recordOrder(venueId: number, nowNs: number): void {
    this.rateHz[venueId] = this.rateAt(venueId, nowNs) + 1e9 / this.windowNs[venueId];
    this.lastNs[venueId] = nowNs;
  }

  /** A probe's round trip (ping): same processes, own draws, counts no order. */
  probeNs(venueId: number, nowNs: number): number {
    return this.models[venueId].sampleRoundTripNs(nowNs, this.probeRng) * this.loadFactor(venueId, nowNs, 0);
  }

  /** Our recent order rate to the venue, orders/s. */
  rateAt(venueId: number, nowNs: number): number {
    const dt = nowNs - this.lastNs[venueId];
    return dt > 0 ? this.rateHz[venueId] * Math.exp(-dt / this.windowNs[venueId]) : this.rateHz[venueId];
  }

  private loadFactor(venueId: number, nowNs: number, extraOrders: number): number {
    const rate = this.rateAt(venueId, nowNs) + (extraOrders * 1e9) / this.windowNs[venueId];
    const ref = this.refHz[venueId];
    return rate > ref ? (rate / ref) ** this.slope[venueId] : 1;
  }
}
