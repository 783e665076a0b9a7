/**
 * Latency samples from the simulator's own venue latency models (src/market/latency): each
 * stream is one venue's model (createVenueLatencyModel, config market.venues[].latency) driven by an
 * order flow of its own: Poisson arrivals whose rate is drawn per stream and jumps during active
 * stretches (a two-state chain), order sizes in round lots, a random start time of day so time
 * of day carries no accidental signal. An order sent into an outage is never acked in time (an
 * ack timeout, not a latency sample), so it yields no sample.
 */

import type { VenueConfig } from '../../config/config-types.js';
import { Random } from '../../core/random.js';
import { createVenueLatencyModel } from '../../market/latency/create-venue-latency-model.js';
import { isOutageLatency } from '../../market/latency/outage-latency.js';
import { TwoStateMarkov } from '../../market/latency/two-state-markov.js';
import { type LatencySamples, type LatencySeries, seriesFrom } from './latency-series.js';

export interface OrderFlowParams {
  readonly durationS: number;
  /** Each stream's base order rate is uniform in [min, max] orders per second. */
  readonly minOrdersPerSec: number;
  readonly maxOrdersPerSec: number;
  /** Active stretches: entered at this rate (per s), left at `activeExitPerSec`, rate x `activeFactor`. */
  readonly activeEnterPerSec: number;
  readonly activeExitPerSec: number;
  readonly activeFactor: number;
  /** Order sizes are `lotQty` x U{1..maxLots}. */
  readonly lotQty: number;
  readonly maxLots: number;
}

export const DEFAULT_ORDER_FLOW: OrderFlowParams = {
  durationS: 120,
  minOrdersPerSec: 20,
  maxOrdersPerSec: 150,
  activeEnterPerSec: 0.1,
  activeExitPerSec: 0.3,
  activeFactor: 3,
  lotQty: 100,
  maxLots: 10,
};

const DAY_NS = 86_400e9;

export function simulateVenueSeries(venue: VenueConfig, seed: number, flow: OrderFlowParams): LatencySeries {
  const rng = new Random(seed);
  const model = createVenueLatencyModel(venue.latency, seed ^ 0x1a7e);
  const active = new TwoStateMarkov(flow.activeEnterPerSec, flow.activeExitPerSec, new Random(seed ^ 0xac71));
  const baseRate = flow.minOrdersPerSec + rng.next() * (flow.maxOrdersPerSec - flow.minOrdersPerSec);
  const startNs = Math.floor(rng.next() * DAY_NS);
  const endNs = startNs + flow.durationS * 1e9;
  const ts: number[] = [];
  const latency: number[] = [];
  const qty: number[] = [];
  for (let t = startNs; ; ) {
    const rate = active.at(t) === 1 ? baseRate * flow.activeFactor : baseRate;
    t += rng.exponential(1e9 / rate);
    if (t >= endNs) break;
    const ns = model.sampleRoundTripNs(t, rng);
    if (isOutageLatency(ns)) continue;
    ts.push(t + ns);
    latency.push(ns);
    qty.push(flow.lotQty * (1 + rng.int(flow.maxLots)));
  }
  return seriesFrom(`${venue.name}#${seed}`, ts, latency, qty);
}

/** One stream per (venue, seed). */
export function simulateLatencySamples(
  venues: readonly VenueConfig[],
  seeds: readonly number[],
  flow: OrderFlowParams = DEFAULT_ORDER_FLOW,
): LatencySamples {
  const series = venues.flatMap((v) => seeds.map((s) => simulateVenueSeries(v, s, flow)));
  return {
    series,
    wallOffsetNs: 0,
    origin: `simulator: ${venues.map((v) => v.name).join(', ')} x seeds ${seeds.join(',')}`,
  };
}
