/**
 * A latency process with a hidden discrete state (congestion regime, spike burst) whose
 * parameters are known: what a causal filter needs of it. Samples are fed in time order, one
 * at a time, and the process may keep what it can compute from them (a load meter); it never
 * sees a sample before the filter has forecast it.
 */
export interface HiddenStateProcess {
  readonly states: number;
  /** Starts a new series: forgets kept state and writes the law of the state before its first sample. */
  start(prior: Float64Array): void;
  /**
   * Takes sample (tsNs, latencyNs): writes the transition matrix (row-major, from x to) from the
   * previous sample's state to this one's, and the sample's likelihood in each state.
   */
  observe(tsNs: number, latencyNs: number, transition: Float64Array, likelihood: Float64Array): void;
  /** Transition matrix from the last observed sample's state to the next sample's. */
  nextTransition(transition: Float64Array): void;
  /** P(next sample <= xNs | its state is `state`). */
  nextCdf(state: number, xNs: number): number;
  /** A typical next sample in `state` (its median, roughly), ns: where the quantile search starts. */
  nextScaleNs(state: number): number;
}

/** The transition matrix of a two-state continuous-time chain over `dtS` seconds (rates per second). */
export function twoStateTransition(
  enterPerS: number,
  exitPerS: number,
  dtS: number,
  out: Float64Array,
): void {
  const total = enterPerS + exitPerS;
  if (total === 0 || dtS <= 0) {
    out.set([1, 0, 0, 1]);
    return;
  }
  const decay = Math.exp(-total * dtS);
  const p01 = (enterPerS / total) * (1 - decay);
  const p10 = (exitPerS / total) * (1 - decay);
  out[0] = 1 - p01;
  out[1] = p01;
  out[2] = p10;
  out[3] = 1 - p10;
}
