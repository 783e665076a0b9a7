/**
 * A two-state continuous-time Markov chain (0 = the usual state, 1 = the unusual one) evaluated
 * lazily on the simulated clock. It draws only from its own generator, one exponential dwell per
 * switch, so its path is a function of its seed and start time alone: how often it is asked (how
 * many orders a router sends, how often a consumer polls) never changes when regimes happen.
 */
import type { Random } from '../../core/random.js';

/** After a gap this many mean dwells long the past is forgotten (restart from the stationary law). */
const MAX_CATCH_UP_DWELLS = 1000;

export class TwoStateMarkov {
  private current = 0;
  private nextSwitchNs = Number.NaN;
  private entryCount = 0;
  private readonly meanDwellNs: Float64Array;
  /** Long-run fraction of time in state 1. */
  readonly stationaryP1: number;

  /**
   * @param enterPerSec rate of 0 -> 1 switches while in state 0 (per simulated second)
   * @param exitPerSec rate of 1 -> 0 switches while in state 1
   */
  constructor(
    enterPerSec: number,
    exitPerSec: number,
    private readonly rng: Random,
  ) {
    if (!(enterPerSec >= 0 && exitPerSec >= 0)) throw new RangeError('markov rates must be >= 0');
    // A rate of 0 means "never leaves": an infinite dwell, never an exponential draw of it.
    this.meanDwellNs = Float64Array.of(
      enterPerSec > 0 ? 1e9 / enterPerSec : Number.POSITIVE_INFINITY,
      exitPerSec > 0 ? 1e9 / exitPerSec : Number.POSITIVE_INFINITY,
    );
    const total = enterPerSec + exitPerSec;
    this.stationaryP1 = total > 0 ? enterPerSec / total : 0;
  }

  /** State at `nowNs`. Time never goes back: an earlier `nowNs` sees the latest state. */
  at(nowNs: number): number {
    if (Number.isNaN(this.nextSwitchNs)) this.nextSwitchNs = nowNs + this.dwell(0);
    if (nowNs < this.nextSwitchNs) return this.current;
    const longest = Math.max(this.meanDwellNs[0], this.meanDwellNs[1]);
    if (Number.isFinite(longest) && nowNs - this.nextSwitchNs > MAX_CATCH_UP_DWELLS * longest) {
      // A clock jump (suspend, replay skip): walking thousands of dwells would stall one order.
      this.current = this.rng.next() < this.stationaryP1 ? 1 : 0;
      this.nextSwitchNs = nowNs + this.dwell(this.current);
      return this.current;
    }
    while (nowNs >= this.nextSwitchNs) {
      this.current ^= 1;
      if (this.current === 1) this.entryCount++;
      this.nextSwitchNs += this.dwell(this.current);
    }
    return this.current;
  }

  /** The state as last evaluated (0 before the first `at`). */
  get state(): number {
    return this.current;
  }

  /** How many times the chain has entered state 1. */
  get entries(): number {
    return this.entryCount;
  }

  private dwell(state: number): number {
    const mean = this.meanDwellNs[state];
    return Number.isFinite(mean) ? this.rng.exponential(mean) : Number.POSITIVE_INFINITY;
  }
}
