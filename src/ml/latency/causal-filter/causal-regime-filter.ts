/**
 * The Bayes (HMM forward) filter of a HiddenStateProcess: after each sample, the posterior law of
 * the hidden state given every sample so far and nothing later; its forecast of the next sample
 * is the mixture of the states' laws weighted by where the posterior moves next. With the true
 * parameters this is the best any causal forecaster can do in expected pinball loss, up to what
 * the process leaves out of the filter (see each process).
 */
import type { HiddenStateProcess } from './hidden-state-process.js';

/** Relative width at which the quantile search stops. */
const QUANTILE_TOLERANCE = 1e-5;
const MAX_BISECTIONS = 60;
/** Halvings or doublings of the bracket before giving up (2^64: far beyond any latency). */
const MAX_BRACKET_STEPS = 64;
/** States weighing less than this are left out of the mixture (they cannot move a quantile). */
const NEGLIGIBLE_WEIGHT = 1e-12;

export class CausalRegimeFilter {
  private readonly post: Float64Array;
  private readonly prior: Float64Array;
  private readonly likelihood: Float64Array;
  private readonly transition: Float64Array;
  private readonly weights: Float64Array;

  constructor(private readonly process: HiddenStateProcess) {
    const n = process.states;
    this.post = new Float64Array(n);
    this.prior = new Float64Array(n);
    this.likelihood = new Float64Array(n);
    this.transition = new Float64Array(n * n);
    this.weights = new Float64Array(n);
    process.start(this.post);
  }

  /** The posterior law of the last sample's state. */
  get posterior(): Readonly<Float64Array> {
    return this.post;
  }

  observe(tsNs: number, latencyNs: number): void {
    this.process.observe(tsNs, latencyNs, this.transition, this.likelihood);
    this.propagate(this.prior);
    let total = 0;
    for (let s = 0; s < this.post.length; s++) total += this.prior[s] * this.likelihood[s];
    // A sample no state can produce (outside every support) carries no information about the state.
    if (!(total > 0) || !Number.isFinite(total)) this.post.set(this.prior);
    else
      for (let s = 0; s < this.post.length; s++) this.post[s] = (this.prior[s] * this.likelihood[s]) / total;
  }

  /** Writes the next sample's quantiles `qs` (ns) into `out` from `offset`. */
  forecast(qs: readonly number[], out: Float64Array, offset: number): void {
    this.process.nextTransition(this.transition);
    this.propagate(this.weights);
    for (let k = 0; k < qs.length; k++) out[offset + k] = this.quantile(qs[k]);
  }

  /** P(next sample <= xNs), after `forecast` set the weights. */
  private mixtureCdf(xNs: number): number {
    let p = 0;
    for (let s = 0; s < this.weights.length; s++)
      if (this.weights[s] > NEGLIGIBLE_WEIGHT) p += this.weights[s] * this.process.nextCdf(s, xNs);
    return p;
  }

  /** Bisection in log space between a bracket grown from the states' scales. */
  private quantile(q: number): number {
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for (let s = 0; s < this.weights.length; s++) {
      if (this.weights[s] <= NEGLIGIBLE_WEIGHT) continue;
      const scale = this.process.nextScaleNs(s);
      lo = Math.min(lo, scale);
      hi = Math.max(hi, scale);
    }
    for (let i = 0; i < MAX_BRACKET_STEPS && this.mixtureCdf(lo) > q; i++) lo /= 2;
    for (let i = 0; i < MAX_BRACKET_STEPS && this.mixtureCdf(hi) < q; i++) hi *= 2;
    for (let i = 0; i < MAX_BISECTIONS && hi > lo * (1 + QUANTILE_TOLERANCE); i++) {
      const mid = Math.sqrt(lo * hi);
      if (this.mixtureCdf(mid) < q) lo = mid;
      else hi = mid;
    }
    return Math.sqrt(lo * hi);
  }

  /** dest = post x transition. */
  private propagate(dest: Float64Array): void {
    const n = this.post.length;
    dest.fill(0);
    for (let i = 0; i < n; i++) {
      const p = this.post[i];
      if (p === 0) continue;
      for (let j = 0; j < n; j++) dest[j] += p * this.transition[i * n + j];
    }
  }
}
