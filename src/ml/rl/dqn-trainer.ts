/**
 * Double DQN for venue choice: an online and a target Q-network (obs -> one Q per venue), an
 * experience replay buffer, hard target syncs, a linearly decaying epsilon, Huber loss and Adam.
 * The online network picks the next action and the target network values it (van Hasselt et al.,
 * 2016), which keeps the max over noisy Q estimates from inflating them. Episodes are collected
 * in parallel by the rollout pool with the current online weights.
 */
import type { Sequential, Tensor, Variable } from '@tensorflow/tfjs';
import { Random } from '../../core/random.js';
import type { DenseLayerWeights } from '../onnx/mlp-onnx-exporter.js';
import { loadTf, type Tf } from '../training/tf-runtime.js';
import type { RoutingEnvOptions } from './env-options.js';
import { buildMlp, mlpLayers, setMlpLayers } from './policy-network.js';
import { type ReplayBatch, ReplayBuffer } from './replay-buffer.js';
import type { RolloutRunner } from './rollout.js';
import { RoutingEnv } from './routing-env.js';
import { type TrainProgress, trainingSeed } from './training-seeds.js';

export interface DqnOptions {
  env: RoutingEnvOptions;
  episodes: number;
  seed: number;
  gamma: number;
  learningRate: number;
  batchSize: number;
  replayCapacity: number;
  /** Gradient steps per collected transition. */
  replayRatio: number;
  /** Gradient steps between target-network syncs. */
  targetSyncSteps: number;
  epsilonStart: number;
  epsilonEnd: number;
  /** Fraction of the episodes over which epsilon decays linearly. */
  epsilonDecayFraction: number;
  /** Episodes collected per round (spread over the pool's threads). */
  episodesPerRound: number;
  /**
   * Learn every venue's value from each order, not only the taken one's: the simulator knows what
   * the order would have scored at each venue on the same tape (trace.actionRewards). The
   * venues' rewards of one order share their market, so their differences, the quantity a
   * router needs, are far less noisy than rewards of separate orders (common random numbers).
   */
  fullInformation: boolean;
}

export const DQN_DEFAULTS: Omit<DqnOptions, 'env' | 'episodes' | 'seed'> = {
  gamma: 0.5,
  learningRate: 5e-4,
  batchSize: 128,
  replayCapacity: 100_000,
  replayRatio: 0.25,
  targetSyncSteps: 250,
  epsilonStart: 1,
  epsilonEnd: 0.05,
  epsilonDecayFraction: 0.6,
  episodesPerRound: 4,
  fullInformation: true,
};

export interface DqnResult {
  layers: DenseLayerWeights[];
  /** Huber loss of every gradient step, in order. */
  losses: number[];
  /** Mean reward (bps) of each round's episodes, exploration included. */
  roundRewards: number[];
  gradientSteps: number;
}

export async function trainDqn(
  opts: DqnOptions,
  pool: RolloutRunner,
  onProgress?: (p: TrainProgress) => void,
): Promise<DqnResult> {
  const { tf } = await loadTf();

  const shape = new RoutingEnv(opts.env);
  const online = buildMlp(tf, shape.obsSize, shape.venueCount, opts.seed);
  const target = buildMlp(tf, shape.obsSize, shape.venueCount, opts.seed);
  target.trainable = false;
  setMlpLayers(tf, target, mlpLayers(online));
  const optimizer = tf.train.adam(opts.learningRate);
  const vars = online.trainableWeights.map((w) => w.read() as Variable);
  const replay = new ReplayBuffer(opts.replayCapacity, shape.obsSize, shape.venueCount);
  const rng = new Random(opts.seed ^ 0x6a09e667);
  const losses: number[] = [];
  const roundRewards: number[] = [];
  let steps = 0;
  let owed = 0;
  try {
    for (let done = 0; done < opts.episodes; ) {
      const n = Math.min(opts.episodesPerRound, opts.episodes - done);
      const epsilon = epsilonAt(opts, done);
      const seeds = Array.from({ length: n }, (_, k) => trainingSeed(opts.seed, done + k));
      const { traces } = await pool.run({
        kind: 'dqn',
        layers: mlpLayers(online),
        env: opts.env,
        seeds,
        epsilon,
        actionSeed: (opts.seed * 31 + done) >>> 0,
      });
      let sum = 0;
      let count = 0;
      for (const t of traces) {
        replay.addTrace(t);
        for (let i = 0; i < t.steps; i++) sum += t.rewards[i];
        count += t.steps;
      }
      roundRewards.push(sum / count);
      done += n;
      if (replay.size >= 4 * opts.batchSize) owed += count * opts.replayRatio;
      for (; owed >= 1; owed--) {
        losses.push(
          gradientStep(tf, online, target, optimizer, vars, replay.sample(opts.batchSize, rng), opts),
        );
        if (++steps % opts.targetSyncSteps === 0) setMlpLayers(tf, target, mlpLayers(online));
      }
      onProgress?.({
        episodes: done,
        total: opts.episodes,
        loss: tail(losses),
        reward: sum / count,
        epsilon,
      });
    }
    return { layers: mlpLayers(online), losses, roundRewards, gradientSteps: steps };
  } finally {
    online.dispose();
    target.dispose();
    optimizer.dispose();
  }
}

export function epsilonAt(
  o: Pick<DqnOptions, 'episodes' | 'epsilonStart' | 'epsilonEnd' | 'epsilonDecayFraction'>,
  episode: number,
): number {
  const f = Math.min(1, episode / Math.max(1, o.episodes * o.epsilonDecayFraction));
  return o.epsilonStart + f * (o.epsilonEnd - o.epsilonStart);
}

function gradientStep(
  tf: Tf,
  online: Sequential,
  target: Sequential,
  optimizer: ReturnType<Tf['train']['adam']>,
  vars: Variable[],
  b: ReturnType<ReplayBuffer['sample']>,
  o: DqnOptions,
): number {
  const batch = b.actions.length;
  const width = b.obs.length / batch;
  const venues = (online.outputs[0].shape[1] as number) ?? 1;
  const { rewards, mask } = rewardTargets(b, venues, o.fullInformation);
  return tf.tidy(() => {
    const s = tf.tensor2d(b.obs, [batch, width]);
    const s2 = tf.tensor2d(b.nextObs, [batch, width]);
    // Double DQN: the online net picks a', the target net values it.
    const nextBest = (online.predict(s2) as Tensor).argMax(1);
    const nextQ = tf.sum(tf.mul(target.predict(s2) as Tensor, tf.oneHot(nextBest as Tensor, venues)), 1);
    const notDone = tf.sub(1, tf.tensor1d(b.dones));
    const future = tf.reshape(tf.mul(o.gamma, tf.mul(notDone, nextQ)), [batch, 1]);
    const y = tf.add(tf.tensor2d(rewards, [batch, venues]), future);
    const w = tf.tensor2d(mask, [batch, venues]);
    const cost = optimizer.minimize(
      () => tf.losses.huberLoss(y, online.apply(s) as Tensor, w) as ReturnType<Tf['scalar']>,
      true,
      vars,
    );
    return cost ? (cost.dataSync()[0] as number) : Number.NaN;
  });
}

/**
 * The reward part of each Q target, per transition and venue, and which of them are learned: the
 * taken venue only, or (full information) every venue that quoted. The next state's value is the
 * taken action's for every venue: another venue's next state differs only in our own load and
 * fill ratio there.
 */
export function rewardTargets(
  b: ReplayBatch,
  venues: number,
  fullInformation: boolean,
): { rewards: Float32Array; mask: Float32Array } {
  const n = b.actions.length;
  const rewards = new Float32Array(n * venues);
  const mask = new Float32Array(n * venues);
  for (let i = 0; i < n; i++) {
    if (!fullInformation) {
      rewards[i * venues + b.actions[i]] = b.rewards[i];
      mask[i * venues + b.actions[i]] = 1;
      continue;
    }
    for (let v = 0; v < venues; v++) {
      const r = b.actionRewards[i * venues + v];
      if (Number.isNaN(r)) continue;
      rewards[i * venues + v] = r;
      mask[i * venues + v] = 1;
    }
  }
  return { rewards, mask };
}

function tail(xs: number[]): number {
  const k = Math.min(xs.length, 50);
  if (k === 0) return Number.NaN;
  let s = 0;
  for (let i = xs.length - k; i < xs.length; i++) s += xs[i];
  return s / k;
}
