/**
 * PPO for order splits (Schulman et al., 2017): a categorical actor over the split menu and a
 * separate value network, the clipped surrogate objective, generalised advantage estimation
 * (GAE-lambda), an entropy bonus, several epochs of minibatch Adam per batch of episodes. The
 * rollout pool samples episodes in parallel with the current actor.
 */
import type { Sequential, Tensor, Variable } from '@tensorflow/tfjs';
import { Random } from '../../core/random.js';
import type { DenseLayerWeights } from '../onnx/mlp-onnx-exporter.js';
import { loadTf, type Tf } from '../training/tf-runtime.js';
import type { RoutingEnvOptions } from './env-options.js';
import type { EpisodeTrace } from './episode.js';
import { buildMlp, mlpLayers, predictRows } from './policy-network.js';
import {
  allActionsLoss,
  normaliseSplitAdvantages,
  type PpoAdvantage,
  splitAdvantages,
} from './ppo-counterfactual.js';
import type { RolloutRunner } from './rollout.js';
import { RoutingEnv } from './routing-env.js';
import { splitMenu } from './split-actions.js';
import { type TrainProgress, trainingSeed } from './training-seeds.js';

export interface PpoOptions {
  env: RoutingEnvOptions;
  episodes: number;
  seed: number;
  gamma: number;
  lambda: number;
  clip: number;
  entropyCoef: number;
  learningRate: number;
  valueLearningRate: number;
  epochs: number;
  minibatch: number;
  /** Episodes per PPO batch (spread over the pool's threads). */
  episodesPerRound: number;
  /** Where advantages come from: GAE on the critic, or the simulator's counterfactuals (ppo-counterfactual.ts). */
  advantage: PpoAdvantage;
}

export const PPO_DEFAULTS: Omit<PpoOptions, 'env' | 'episodes' | 'seed'> = {
  gamma: 0.5,
  lambda: 0.9,
  clip: 0.2,
  entropyCoef: 0.01,
  learningRate: 3e-4,
  valueLearningRate: 1e-3,
  epochs: 4,
  minibatch: 256,
  episodesPerRound: 8,
  advantage: 'all-actions',
};

export interface PpoResult {
  /** The actor: obs -> split-menu logits. */
  layers: DenseLayerWeights[];
  /** Clipped surrogate loss (with entropy bonus) per minibatch step. */
  losses: number[];
  valueLosses: number[];
  roundRewards: number[];
}

export async function trainPpo(
  opts: PpoOptions,
  pool: RolloutRunner,
  onProgress?: (p: TrainProgress) => void,
): Promise<PpoResult> {
  const { tf } = await loadTf();
  const shape = new RoutingEnv(opts.env);
  const actions = splitMenu(shape.venueCount).length;
  const actor = buildMlp(tf, shape.obsSize, actions, opts.seed, 0.01);
  const critic = buildMlp(tf, shape.obsSize, 1, opts.seed + 1000);
  const actorOpt = tf.train.adam(opts.learningRate);
  const criticOpt = tf.train.adam(opts.valueLearningRate);
  const actorVars = actor.trainableWeights.map((w) => w.read() as Variable);
  const criticVars = critic.trainableWeights.map((w) => w.read() as Variable);
  const rng = new Random(opts.seed ^ 0x3c6ef372);
  const losses: number[] = [];
  const valueLosses: number[] = [];
  const roundRewards: number[] = [];
  try {
    for (let done = 0; done < opts.episodes; ) {
      const n = Math.min(opts.episodesPerRound, opts.episodes - done);
      const seeds = Array.from({ length: n }, (_, k) => trainingSeed(opts.seed, done + k));
      const { traces, logProbs } = await pool.run({
        kind: 'ppo',
        layers: mlpLayers(actor),
        env: opts.env,
        seeds,
        epsilon: 0,
        actionSeed: (opts.seed * 31 + done) >>> 0,
      });
      const batch = buildBatch(tf, actor, critic, traces, logProbs, opts);
      roundRewards.push(batch.meanReward);
      done += n;
      for (let epoch = 0; epoch < opts.epochs; epoch++) {
        const order = shuffled(batch.size, rng);
        for (let start = 0; start < batch.size; start += opts.minibatch) {
          const idx = order.subarray(start, Math.min(batch.size, start + opts.minibatch));
          const [pl, vl] = updateStep(
            tf,
            actor,
            critic,
            actorOpt,
            criticOpt,
            actorVars,
            criticVars,
            batch,
            idx,
            actions,
            opts,
          );
          losses.push(pl);
          valueLosses.push(vl);
        }
      }
      onProgress?.({
        episodes: done,
        total: opts.episodes,
        loss: losses[losses.length - 1],
        reward: batch.meanReward,
      });
    }
    return { layers: mlpLayers(actor), losses, valueLosses, roundRewards };
  } finally {
    actor.dispose();
    critic.dispose();
    actorOpt.dispose();
    criticOpt.dispose();
  }
}

interface PpoBatch {
  size: number;
  obsSize: number;
  obs: Float32Array;
  actions: Int32Array;
  oldLogProbs: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
  /** Splits per order, and per order and split the rollout probability and advantage (counterfactual modes). */
  width: number;
  oldProbs: Float32Array;
  splitAdvantages: Float32Array;
  meanReward: number;
}

/**
 * Advantages (GAE over each episode, the value after the last order 0; or the counterfactual
 * baseline's), normalised over the batch.
 */
function buildBatch(
  tf: Tf,
  actor: Sequential,
  critic: Sequential,
  traces: EpisodeTrace[],
  logProbs: Float32Array[],
  o: PpoOptions,
): PpoBatch {
  const obsSize = traces[0].obs.length / traces[0].actions.length;
  const size = traces.reduce((s, t) => s + t.steps, 0);
  const width = traces[0].actionRewards.length / traces[0].actions.length;
  const b: PpoBatch = {
    size,
    obsSize,
    obs: new Float32Array(size * obsSize),
    actions: new Int32Array(size),
    oldLogProbs: new Float32Array(size),
    advantages: new Float32Array(size),
    returns: new Float32Array(size),
    width,
    oldProbs: new Float32Array(size * width),
    splitAdvantages: new Float32Array(size * width),
    meanReward: 0,
  };
  let at = 0;
  let rewardSum = 0;
  traces.forEach((t, e) => {
    const values = predictRows(tf, critic, t.obs.subarray(0, t.steps * obsSize), t.steps);
    let gae = 0;
    for (let i = t.steps - 1; i >= 0; i--) {
      const next = i === t.steps - 1 ? 0 : values[i + 1];
      const delta = t.rewards[i] + o.gamma * next - values[i];
      gae = delta + o.gamma * o.lambda * gae;
      b.advantages[at + i] = gae;
      b.returns[at + i] = gae + values[i];
      rewardSum += t.rewards[i];
    }
    if (o.advantage !== 'gae') {
      const sa = splitAdvantages(tf, actor, t);
      b.oldProbs.set(sa.oldProbs, at * sa.width);
      b.splitAdvantages.set(sa.advantages, at * sa.width);
      for (let i = 0; i < t.steps; i++) b.advantages[at + i] = sa.advantages[i * sa.width + t.actions[i]];
    }
    b.obs.set(t.obs.subarray(0, t.steps * obsSize), at * obsSize);
    b.actions.set(t.actions.subarray(0, t.steps), at);
    b.oldLogProbs.set(logProbs[e].subarray(0, t.steps), at);
    at += t.steps;
  });
  if (o.advantage === 'all-actions') normaliseSplitAdvantages(b);
  let mean = 0;
  for (let i = 0; i < size; i++) mean += b.advantages[i];
  mean /= size;
  let v = 0;
  for (let i = 0; i < size; i++) v += (b.advantages[i] - mean) ** 2;
  const sd = Math.sqrt(v / size) + 1e-8;
  for (let i = 0; i < size; i++) b.advantages[i] = (b.advantages[i] - mean) / sd;
  b.meanReward = rewardSum / size;
  return b;
}

function updateStep(
  tf: Tf,
  actor: Sequential,
  critic: Sequential,
  actorOpt: ReturnType<Tf['train']['adam']>,
  criticOpt: ReturnType<Tf['train']['adam']>,
  actorVars: Variable[],
  criticVars: Variable[],
  b: PpoBatch,
  idx: Int32Array,
  actions: number,
  o: PpoOptions,
): [number, number] {
  const m = idx.length;
  const obs = new Float32Array(m * b.obsSize);
  const act = new Int32Array(m);
  const oldLp = new Float32Array(m);
  const adv = new Float32Array(m);
  const ret = new Float32Array(m);
  const w = b.width;
  const oldP = new Float32Array(m * w);
  const splitAdv = new Float32Array(m * w);
  for (let k = 0; k < m; k++) {
    const i = idx[k];
    oldP.set(b.oldProbs.subarray(i * w, (i + 1) * w), k * w);
    splitAdv.set(b.splitAdvantages.subarray(i * w, (i + 1) * w), k * w);
    obs.set(b.obs.subarray(i * b.obsSize, (i + 1) * b.obsSize), k * b.obsSize);
    act[k] = b.actions[i];
    oldLp[k] = b.oldLogProbs[i];
    adv[k] = b.advantages[i];
    ret[k] = b.returns[i];
  }
  return tf.tidy(() => {
    const s = tf.tensor2d(obs, [m, b.obsSize]);
    const aOneHot = tf.oneHot(tf.tensor1d(act, 'int32'), actions);
    const oldLogP = tf.tensor1d(oldLp);
    const advT = tf.tensor1d(adv);
    const policyCost = actorOpt.minimize(
      () => {
        const logits = actor.apply(s) as Tensor;
        if (o.advantage === 'all-actions')
          return allActionsLoss(
            tf,
            logits,
            tf.tensor2d(oldP, [m, w]),
            tf.tensor2d(splitAdv, [m, w]),
            o.clip,
            o.entropyCoef,
          ) as ReturnType<Tf['scalar']>;
        const logAll = tf.logSoftmax(logits);
        const logP = tf.sum(tf.mul(logAll, aOneHot), 1);
        const ratio = tf.exp(tf.sub(logP, oldLogP));
        const clipped = tf.clipByValue(ratio, 1 - o.clip, 1 + o.clip);
        const surrogate = tf.minimum(tf.mul(ratio, advT), tf.mul(clipped, advT));
        const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logAll), logAll), 1));
        return tf.neg(tf.mean(tf.add(surrogate, tf.mul(o.entropyCoef, entropy)))) as ReturnType<Tf['scalar']>;
      },
      true,
      actorVars,
    );
    const valueCost = criticOpt.minimize(
      () =>
        tf.losses.meanSquaredError(
          tf.tensor1d(ret),
          tf.squeeze(critic.apply(s) as Tensor, [1]),
        ) as ReturnType<Tf['scalar']>,
      true,
      criticVars,
    );
    return [policyCost?.dataSync()[0] ?? Number.NaN, valueCost?.dataSync()[0] ?? Number.NaN] as [
      number,
      number,
    ];
  });
}

function shuffled(n: number, rng: Random): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
