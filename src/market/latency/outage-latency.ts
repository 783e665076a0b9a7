/**
 * Rare outages: the venue stops answering for a stretch (exponential length) that starts at a
 * Poisson rate on the simulated clock. An order sent during an outage gets OUTAGE_ROUND_TRIP_NS,
 * far beyond any ack timeout, so downstream sees exactly what a silent venue produces: an ack
 * timeout, and a very late ack if it waits long enough. Use `isOutageLatency` to tell them apart.
 */
import type { Random } from '../../core/random.js';
import { TwoStateMarkov } from './two-state-markov.js';
import type { VenueLatencyModel } from './venue-latency-model.js';

/** Round trip of an order sent into an outage: 30 s, i.e. "never answered in time". */
export const OUTAGE_ROUND_TRIP_NS = 30e9;

/** True when a sampled latency means the venue was down. */
export function isOutageLatency(latencyNs: number): boolean {
  return latencyNs >= OUTAGE_ROUND_TRIP_NS;
}

export interface OutageParams {
  perHour: number;
  meanNs: number;
}

export class OutageLatency implements VenueLatencyModel {
  private readonly chain: TwoStateMarkov;

  /** `chainRng` drives only the outage timeline. */
  constructor(
    private readonly inner: VenueLatencyModel,
    p: OutageParams,
    chainRng: Random,
  ) {
    this.chain = new TwoStateMarkov(p.perHour / 3600, 1e9 / p.meanNs, chainRng);
  }

  sampleRoundTripNs(nowNs: number, rng: Random): number {
    return this.chain.at(nowNs) === 1 ? OUTAGE_ROUND_TRIP_NS : this.inner.sampleRoundTripNs(nowNs, rng);
  }

  /** True when the venue is down at `nowNs`. */
  downAt(nowNs: number): boolean {
    return this.chain.at(nowNs) === 1;
  }

  /** Outages started so far. */
  get outages(): number {
    return this.chain.entries;
  }
}
