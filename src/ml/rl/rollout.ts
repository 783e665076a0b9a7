/**
 * Collects training episodes with the current policy: several environments step in lockstep so
 * each network call is one batch across them. Runs inside a piscina worker (src/workers/rollout.worker.ts),
 * or inline in tests.
 */
import { Random } from '../../core/random.js';
import type { DenseLayerWeights } from '../onnx/mlp-onnx-exporter.js';
import { loadTf } from '../training/tf-runtime.js';
import { chooseSplit, chooseVenue, type PolicyKind } from './action-choice.js';
import type { RoutingEnvOptions } from './env-options.js';
import { createTrace, type EpisodeTrace, recordStep } from './episode.js';
import { mlpFromLayers, predictRows } from './policy-network.js';
import { RoutingEnv } from './routing-env.js';
import { splitMenu, venueWeights } from './split-actions.js';

export interface RolloutTask {
  kind: PolicyKind;
  layers: DenseLayerWeights[];
  env: RoutingEnvOptions;
  seeds: number[];
  /** DQN exploration rate. */
  epsilon: number;
  /** Seeds exploration and PPO's action sampling. */
  actionSeed: number;
}

export interface RolloutResult {
  traces: EpisodeTrace[];
  /** PPO: log-probability of each taken action, per trace. */
  logProbs: Float32Array[];
}

/** Runs a rollout task's episodes somewhere (in parallel threads: src/workers/rollout-pool.ts). */
export interface RolloutRunner {
  run(task: RolloutTask): Promise<RolloutResult>;
}

export async function runRollout(task: RolloutTask): Promise<RolloutResult> {
  const { tf } = await loadTf();
  const model = mlpFromLayers(tf, task.layers);
  try {
    return rolloutWith((obs, batch) => predictRows(tf, model, obs, batch), task);
  } finally {
    model.dispose();
  }
}

/** The lockstep loop with any batched network `forward` (rows of outputs for rows of observations). */
export function rolloutWith(
  forward: (obs: Float32Array, batch: number) => Float32Array,
  task: RolloutTask,
): RolloutResult {
  const envs = task.seeds.map(() => new RoutingEnv(task.env));
  const e0 = envs[0];
  const n = e0.obsSize;
  const steps = task.env.ordersPerEpisode;
  const menu = splitMenu(e0.venueCount);
  const width = task.kind === 'dqn' ? e0.venueCount : menu.length;
  const rng = new Random(task.actionSeed);
  // Every action is scored on every order: the trainers learn from the counterfactuals.
  if (task.kind === 'ppo') for (const env of envs) env.scoreActions(menu);
  const traces = task.seeds.map((s) => createTrace(s, steps, n, width));
  const logProbs = task.seeds.map(() => new Float32Array(steps));
  const batch = new Float32Array(envs.length * n);
  const weights = new Float64Array(e0.venueCount);
  const probs = new Float64Array(menu.length);
  envs.forEach((env, e) => {
    batch.set(env.reset(task.seeds[e]), e * n);
  });
  // Episodes hold different numbers of orders: a finished one keeps its last row and is skipped.
  const live = envs.map((env) => !env.done);
  for (let t = 0; t < steps && live.some(Boolean); t++) {
    const out = forward(batch, envs.length);
    envs.forEach((env, e) => {
      if (!live[e]) return;
      const quotes = (v: number) => env.quotes(v);
      let action: number;
      if (task.kind === 'dqn') {
        action = chooseVenue(out, e * width, env.venueCount, quotes, task.epsilon, rng);
        venueWeights(action, weights);
      } else {
        action = chooseSplit(out, e * width, menu, quotes, probs, rng);
        logProbs[e][t] = Math.log(Math.max(probs[action], 1e-12));
        weights.set(menu[action]);
      }
      const obs = batch.subarray(e * n, (e + 1) * n);
      live[e] = !recordStep(traces[e], env, obs, action, weights);
      batch.set(env.lastObs, e * n);
    });
  }
  return { traces, logProbs };
}
