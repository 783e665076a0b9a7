/**
 * Congestion regimes: a Markov chain on the simulated clock switches the venue between a normal
 * and a congested state, each with its own log-normal median and sigma. Regimes last seconds, so
 * a predictor that tracks recent latency can learn them within a run.
 */
import type { Random } from '../../core/random.js';
import { TwoStateMarkov } from './two-state-markov.js';
import type { VenueLatencyModel } from './venue-latency-model.js';

export const Regime = { normal: 0, congested: 1 } as const;

export interface RegimeParams {
  normalMedianNs: number;
  normalSigma: number;
  congestedMedianNs: number;
  congestedSigma: number;
  /** Rate of normal -> congested switches while normal, per simulated second. */
  enterPerSec: number;
  /** Rate of congested -> normal switches while congested, per simulated second. */
  exitPerSec: number;
}

export class RegimeSwitchingLatency implements VenueLatencyModel {
  private readonly chain: TwoStateMarkov;
  private readonly medianNs: Float64Array;
  private readonly sigma: Float64Array;

  /** `chainRng` drives only the regime timeline; jitter draws use the caller's generator. */
  constructor(p: RegimeParams, chainRng: Random) {
    this.chain = new TwoStateMarkov(p.enterPerSec, p.exitPerSec, chainRng);
    this.medianNs = Float64Array.of(p.normalMedianNs, p.congestedMedianNs);
    this.sigma = Float64Array.of(p.normalSigma, p.congestedSigma);
  }

  sampleRoundTripNs(nowNs: number, rng: Random): number {
    const r = this.chain.at(nowNs);
    return rng.logNormal(this.medianNs[r], this.sigma[r]);
  }

  /** Regime at `nowNs` (Regime.normal or Regime.congested). */
  regimeAt(nowNs: number): number {
    return this.chain.at(nowNs);
  }

  /** Congested stretches entered so far. */
  get congestions(): number {
    return this.chain.entries;
  }

  /** Long-run fraction of time congested. */
  get congestedFraction(): number {
    return this.chain.stationaryP1;
  }
}
