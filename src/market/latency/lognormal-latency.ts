/** Base latency with heavy-tailed jitter: log-normal around a median (the body of LogNormalSpikeLatency). */
import type { Random } from '../../core/random.js';
import type { VenueLatencyModel } from './venue-latency-model.js';

export class LogNormalLatency implements VenueLatencyModel {
  /**
   * @param medianNs median round trip, ns
   * @param sigma log-space standard deviation; 0 gives a constant
   */
  constructor(
    readonly medianNs: number,
    readonly sigma: number,
  ) {}

  sampleRoundTripNs(_nowNs: number, rng: Random): number {
    return rng.logNormal(this.medianNs, this.sigma);
  }
}
