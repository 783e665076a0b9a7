/**
 * The ABIDES-style CSV reference process (../abides-latency-process.ts) as a HiddenStateProcess
 * with its true parameters. Its regime chain counts messages: a regime lasts ceil(Exp(dwell))
 * messages, so at each message it ends with probability 1 - exp(-1 / dwell) and jumps by
 * ABIDES_JUMPS; the chain starts calm. A message's latency is floor + jitter / x^3 with
 * x ~ U[clip, 1], and its gap since the previous message is exponential at the regime's rate,
 * so stamps carry evidence too. Nothing of the process is left out: this filter is exact.
 */

import { UsageError } from '../../../core/errors.js';
import {
  ABIDES_JITTER,
  ABIDES_JUMPS,
  ABIDES_MESSAGES_PER_SEC,
  ABIDES_REGIMES,
  ABIDES_VENUES,
  type AbidesVenue,
  abidesLaw,
  abidesQuantileNs,
} from '../abides-latency-process.js';
import type { FilterReference } from './filter-forecasts.js';
import type { HiddenStateProcess } from './hidden-state-process.js';

const STATES = ABIDES_REGIMES.length;
const SUPPORT_SLACK = 1e-9;

export class AbidesRegimeProcess implements HiddenStateProcess {
  readonly states = STATES;
  private readonly step: Float64Array;
  private readonly laws: { floorNs: number; jitterNs: number }[];
  private readonly ratePerNs = ABIDES_REGIMES.map((r) => (ABIDES_MESSAGES_PER_SEC * r.rate) / 1e9);
  private lastTsNs = Number.NaN;

  constructor(private readonly venue: AbidesVenue) {
    this.laws = ABIDES_REGIMES.map((_, r) => abidesLaw(venue, r));
    this.step = new Float64Array(STATES * STATES);
    ABIDES_REGIMES.forEach((r, i) => {
      const ends = 1 - Math.exp(-1 / r.dwell);
      for (let j = 0; j < STATES; j++)
        this.step[i * STATES + j] = i === j ? 1 - ends : ends * ABIDES_JUMPS[i][j];
    });
  }

  start(prior: Float64Array): void {
    this.lastTsNs = Number.NaN;
    prior.fill(0);
    prior[0] = 1;
  }

  observe(tsNs: number, latencyNs: number, transition: Float64Array, likelihood: Float64Array): void {
    transition.set(this.step);
    const gapNs = tsNs - this.lastTsNs;
    for (let s = 0; s < STATES; s++) {
      const gapLikelihood = gapNs >= 0 ? this.ratePerNs[s] * Math.exp(-this.ratePerNs[s] * gapNs) : 1;
      likelihood[s] = gapLikelihood * this.latencyPdf(s, latencyNs);
    }
    this.lastTsNs = tsNs;
  }

  nextTransition(transition: Float64Array): void {
    transition.set(this.step);
  }

  nextCdf(state: number, xNs: number): number {
    const { floorNs, jitterNs } = this.laws[state];
    if (xNs <= floorNs) return 0;
    const x = Math.cbrt(jitterNs / (xNs - floorNs));
    const c = ABIDES_JITTER.clip;
    return Math.min(1, Math.max(0, (1 - x) / (1 - c)));
  }

  nextScaleNs(state: number): number {
    return abidesQuantileNs(this.venue, state, 0.5);
  }

  /** Density of floor + jitter / x^3, x ~ U[clip, 1]: zero outside [floor + jitter, floor + jitter / clip^3]. */
  private latencyPdf(state: number, latencyNs: number): number {
    const { floorNs, jitterNs } = this.laws[state];
    const c = ABIDES_JITTER.clip;
    const excess = latencyNs - floorNs;
    // The support's ends, widened by a rounding error of the generator's arithmetic.
    if (excess < jitterNs * (1 - SUPPORT_SLACK) || excess > (jitterNs / (c * c * c)) * (1 + SUPPORT_SLACK))
      return 0;
    return Math.cbrt(jitterNs) / (3 * (1 - c) * excess ** (4 / 3));
  }
}

/** The reference for CSV series of the ABIDES-style process, by venue name (ABIDES_VENUES). */
export function abidesFilterReference(): FilterReference {
  return {
    description: 'HMM forward filter with the true parameters of the ABIDES-style process (--process abides)',
    processOf(series: string): HiddenStateProcess {
      const venue = ABIDES_VENUES.find((v) => v.name === series);
      if (!venue)
        throw new UsageError(
          `--process abides: venue ${series} is not one of the process's (${ABIDES_VENUES.map((v) => v.name).join(', ')})`,
        );
      return new AbidesRegimeProcess(venue);
    },
  };
}
