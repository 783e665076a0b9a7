/**
 * PPO on the simulator's counterfactuals: every split of the menu is scored on the same order,
 * tape and round trips (trace.actionRewards), so an order's advantage need not be estimated from
 * the one split it took. Two uses:
 * - `baseline`: the taken split's reward minus what the rollout policy's average split would have
 *   scored on that order. The baseline does not depend on the split taken, so the gradient stays
 *   unbiased, and it cancels the market's luck the order met, which dwarfs the differences
 *   between splits.
 * - `all-actions`: PPO's clipped surrogate, E over a ~ pi_old of min(ratio A, clip(ratio) A),
 *   taken exactly over the menu instead of by the one sampled split (each split weighted by its
 *   rollout probability, with its own counterfactual advantage). The same objective, without the
 *   sampling noise.
 * The future (gamma) enters neither: another split's next state differs only in our load and
 * fill ratio at the venues, and its value is not known.
 */
import type { Sequential, Tensor } from '@tensorflow/tfjs';
import type { Tf } from '../training/tf-runtime.js';
import type { EpisodeTrace } from './episode.js';
import { predictRows } from './policy-network.js';

export const PPO_ADVANTAGES = ['gae', 'baseline', 'all-actions'] as const;
export type PpoAdvantage = (typeof PPO_ADVANTAGES)[number];

/** Per order and split: the rollout policy's probability (0 where a venue had no quote) and the advantage. */
export interface SplitAdvantages {
  width: number;
  oldProbs: Float32Array;
  advantages: Float32Array;
}

/**
 * The rollout actor's split probabilities on the episode's orders (softmax over the splits whose
 * venues quoted, as chooseSplit draws) and each split's reward minus their expectation.
 */
export function splitAdvantages(tf: Tf, actor: Sequential, t: EpisodeTrace): SplitAdvantages {
  const obsSize = t.obs.length / t.actions.length;
  const width = t.actionRewards.length / t.actions.length;
  const logits = predictRows(tf, actor, t.obs.subarray(0, t.steps * obsSize), t.steps);
  const oldProbs = new Float32Array(t.steps * width);
  const advantages = new Float32Array(t.steps * width);
  for (let i = 0; i < t.steps; i++) {
    const row = i * width;
    let max = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < width; a++)
      if (!Number.isNaN(t.actionRewards[row + a])) max = Math.max(max, logits[row + a]);
    let z = 0;
    for (let a = 0; a < width; a++)
      if (!Number.isNaN(t.actionRewards[row + a])) z += Math.exp(logits[row + a] - max);
    let expected = 0;
    for (let a = 0; a < width; a++) {
      const r = t.actionRewards[row + a];
      if (Number.isNaN(r)) continue;
      oldProbs[row + a] = Math.exp(logits[row + a] - max) / z;
      expected += oldProbs[row + a] * r;
    }
    for (let a = 0; a < width; a++) {
      const r = t.actionRewards[row + a];
      advantages[row + a] = Number.isNaN(r) ? 0 : r - expected;
    }
  }
  return { width, oldProbs, advantages };
}

/** Scales advantages to unit spread under the rollout probabilities (PPO normalises them). */
export function normaliseSplitAdvantages(s: { oldProbs: Float32Array; advantages: Float32Array }): void {
  let w = 0;
  let v = 0;
  for (let k = 0; k < s.advantages.length; k++) {
    w += s.oldProbs[k];
    v += s.oldProbs[k] * s.advantages[k] ** 2;
  }
  const sd = Math.sqrt(v / Math.max(w, 1e-12)) + 1e-8;
  for (let k = 0; k < s.advantages.length; k++) s.advantages[k] /= sd;
}

/**
 * Minus the clipped surrogate taken over every split: sum over splits of pi_old(a) x
 * min(ratio A, clip(ratio) A), averaged over the orders, plus the entropy bonus.
 */
export function allActionsLoss(
  tf: Tf,
  logits: Tensor,
  oldProbs: Tensor,
  advantages: Tensor,
  clip: number,
  entropyCoef: number,
): Tensor {
  const logAll = tf.logSoftmax(logits);
  const probs = tf.exp(logAll);
  // Splits with pi_old = 0 have weight 0; the floor only keeps their ratio finite.
  const ratio = tf.div(probs, tf.maximum(oldProbs, 1e-8));
  const clipped = tf.clipByValue(ratio, 1 - clip, 1 + clip);
  const surrogate = tf.sum(
    tf.mul(oldProbs, tf.minimum(tf.mul(ratio, advantages), tf.mul(clipped, advantages))),
    1,
  );
  const entropy = tf.neg(tf.sum(tf.mul(probs, logAll), 1));
  return tf.neg(tf.mean(tf.add(surrogate, tf.mul(entropyCoef, entropy))));
}
