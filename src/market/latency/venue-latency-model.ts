/** How long a venue takes to answer an order (round trip), hftbacktest-style: one small interface. */

import type { VenueLatencyConfig } from '../../config/config-types.js';
import type { Random } from '../../core/random.js';

export interface VenueLatencyModel {
  /** Round-trip order latency in ns for an order sent at `nowNs`. */
  sampleRoundTripNs(nowNs: number, rng: Random): number;
}

/** Log-normal jitter around a base, plus rare additive spikes. */
export class LogNormalSpikeLatency implements VenueLatencyModel {
  constructor(private readonly cfg: VenueLatencyConfig) {}

  sampleRoundTripNs(_nowNs: number, rng: Random): number {
    let ns = rng.logNormal(this.cfg.base_us * 1e3, this.cfg.jitter_sigma);
    if (rng.next() < this.cfg.spike_prob) ns += this.cfg.spike_us * 1e3 * (0.5 + rng.next());
    return ns;
  }
}

/** Always the same latency: tests and known-answer backtests. */
export class ConstantLatency implements VenueLatencyModel {
  constructor(private readonly roundTripNs: number) {}
  sampleRoundTripNs(): number {
    return this.roundTripNs;
  }
}
