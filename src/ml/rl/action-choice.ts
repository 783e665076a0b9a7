/**
 * From a network's outputs to an action: DQN takes the best Q-value among the venues that quote
 * the order (epsilon-greedy while training); PPO samples its split menu from the softmax of its
 * logits (argmax when serving). Entries that would send shares to a venue without a quote are
 * masked out. Shared by the rollout workers, the evaluator and the route stage.
 */
import type { Random } from '../../core/random.js';

export type PolicyKind = 'dqn' | 'ppo';

/** Venue with the highest Q among quoting venues (exploring with probability `epsilon`). */
export function chooseVenue(
  q: ArrayLike<number>,
  offset: number,
  venueCount: number,
  quotes: (v: number) => boolean,
  epsilon = 0,
  rng?: Random,
): number {
  if (rng && epsilon > 0 && rng.next() < epsilon) {
    let n = 0;
    for (let v = 0; v < venueCount; v++) if (quotes(v)) n++;
    let k = rng.int(Math.max(n, 1));
    for (let v = 0; v < venueCount; v++) if (quotes(v) && k-- === 0) return v;
  }
  let best = -1;
  for (let v = 0; v < venueCount; v++) {
    if (!quotes(v)) continue;
    if (best < 0 || q[offset + v] > q[offset + best]) best = v;
  }
  return Math.max(best, 0);
}

/** True when a split menu entry only uses quoting venues. */
export function splitAllowed(
  menu: readonly Float64Array[],
  a: number,
  quotes: (v: number) => boolean,
): boolean {
  const w = menu[a];
  for (let v = 0; v < w.length; v++) if (w[v] > 0 && !quotes(v)) return false;
  return true;
}

/**
 * Picks a menu entry from logits: sampled when `rng` is given, else the argmax. Writes the
 * masked softmax probabilities into `probs` and returns the entry.
 */
export function chooseSplit(
  logits: ArrayLike<number>,
  offset: number,
  menu: readonly Float64Array[],
  quotes: (v: number) => boolean,
  probs: Float64Array,
  rng?: Random,
): number {
  const m = menu.length;
  let max = Number.NEGATIVE_INFINITY;
  for (let a = 0; a < m; a++)
    if (splitAllowed(menu, a, quotes) && logits[offset + a] > max) max = logits[offset + a];
  let sum = 0;
  for (let a = 0; a < m; a++) {
    probs[a] = splitAllowed(menu, a, quotes) ? Math.exp(logits[offset + a] - max) : 0;
    sum += probs[a];
  }
  if (!(sum > 0)) {
    probs.fill(1 / m);
    sum = 1;
  }
  let best = 0;
  for (let a = 0; a < m; a++) {
    probs[a] /= sum;
    if (probs[a] > probs[best]) best = a;
  }
  if (!rng) return best;
  let u = rng.next();
  for (let a = 0; a < m; a++) {
    u -= probs[a];
    if (u < 0 && probs[a] > 0) return a;
  }
  return best;
}
