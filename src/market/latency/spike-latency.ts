/**
 * Rare additive spikes (a retransmit, a GC pause at the venue) on top of the model below, with
 * optional bursts: stretches on the simulated clock during which spikes are much more likely, so
 * spikes cluster in time as they do on real links rather than arriving independently.
 */
import type { Random } from '../../core/random.js';
import { TwoStateMarkov } from './two-state-markov.js';
import type { VenueLatencyModel } from './venue-latency-model.js';

export interface SpikeParams {
  /** Probability that one order meets a spike outside a burst. */
  prob: number;
  /** Typical extra latency of a spike, ns; each spike is uniform in [0.5, 1.5] x this. */
  spikeNs: number;
  bursts?: {
    perSec: number;
    meanNs: number;
    /** Spike probability inside a burst. */
    prob: number;
    /** Generator of the burst timeline (its own, so the timeline does not depend on order flow). */
    rng: Random;
  };
}

export class SpikeLatency implements VenueLatencyModel {
  private readonly burst: TwoStateMarkov | null;
  private readonly burstProb: number;

  constructor(
    private readonly inner: VenueLatencyModel,
    private readonly p: SpikeParams,
  ) {
    const b = p.bursts;
    this.burst = b ? new TwoStateMarkov(b.perSec, 1e9 / b.meanNs, b.rng) : null;
    this.burstProb = b ? b.prob : p.prob;
  }

  sampleRoundTripNs(nowNs: number, rng: Random): number {
    // Same draw order as LogNormalSpikeLatency (body, then spike test, then size) so a stack
    // without the new features reproduces it draw for draw.
    let ns = this.inner.sampleRoundTripNs(nowNs, rng);
    const prob = this.burst !== null && this.burst.at(nowNs) === 1 ? this.burstProb : this.p.prob;
    if (rng.next() < prob) ns += this.p.spikeNs * (0.5 + rng.next());
    return ns;
  }

  /** Bursts started so far (0 without bursts). */
  get bursts(): number {
    return this.burst ? this.burst.entries : 0;
  }
}
