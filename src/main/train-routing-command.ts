/**
 * `hft train dqn|ppo`: trains a routing policy in the simulated environment (rollouts on every
 * core through piscina), exports it to ONNX with a parity check, scores it on held-out episodes
 * against the fixed routers and writes model.onnx + metadata.json to --out (default runs/<stamp>/<policy>).
 */
import { resolve } from 'node:path';
import type { HftConfig } from '../config/config-types.js';
import { ConfigError } from '../core/errors.js';
import type { PolicyKind } from '../ml/rl/action-choice.js';
import { DQN_DEFAULTS, trainDqn } from '../ml/rl/dqn-trainer.js';
import { envOptionsFromConfig, type RoutingEnvOptions } from '../ml/rl/env-options.js';
import { OnnxPolicy } from '../ml/rl/onnx-policy.js';
import { writePolicy } from '../ml/rl/policy-export.js';
import type { PolicyMetadata } from '../ml/rl/policy-metadata.js';
import { fixedRouterPolicies, trainedPolicy } from '../ml/rl/policy-set.js';
import { PPO_DEFAULTS, trainPpo } from '../ml/rl/ppo-trainer.js';
import { evaluateRouting } from '../ml/rl/routing-eval.js';
import { RolloutPool } from '../workers/rollout-pool.js';
import { ProgressBar } from './progress-bar.js';

export interface TrainRoutingOptions {
  out: string;
  seed: number;
  episodes: number;
  /** Held-out episodes scored after training (0 skips). */
  evalEpisodes: number;
  threads?: number;
  /** Environment settings over the config's (tests shorten episodes). */
  envOverrides?: Partial<RoutingEnvOptions>;
  /** The command line, recorded in metadata.json. */
  command: string;
  progress: boolean;
}

export const DEFAULT_EPISODES: Record<PolicyKind, number> = { dqn: 1000, ppo: 3000 };

export interface TrainRoutingResult {
  metadata: PolicyMetadata;
  losses: number[];
  dir: string;
}

export async function runTrainRoutingCommand(
  kind: PolicyKind,
  cfg: HftConfig,
  o: TrainRoutingOptions,
  print: (line: string) => void,
): Promise<TrainRoutingResult> {
  if (!(Number.isInteger(o.episodes) && o.episodes > 0))
    throw new ConfigError('--episodes', `must be a positive integer, got ${o.episodes}`);
  if (!(Number.isInteger(o.seed) && o.seed >= 0 && o.seed < 3000))
    throw new ConfigError('--seed', `must be an integer in [0, 3000), got ${o.seed}`);
  const dir = resolve(o.out);
  const env = envOptionsFromConfig(cfg, o.envOverrides);
  const pool = new RolloutPool(o.threads);
  const bar = o.progress ? new ProgressBar(process.stderr) : null;
  const t0 = performance.now();
  let trained: { layers: Parameters<typeof writePolicy>[1]; losses: number[]; roundRewards: number[] };
  let hyper: Record<string, unknown>;
  try {
    const onProgress = (p: { episodes: number; total: number; loss: number; reward: number }) =>
      bar?.update(
        p.episodes / p.total,
        `${kind} episode ${p.episodes}/${p.total} loss ${p.loss.toFixed(4)} reward ${p.reward.toFixed(3)} bps`,
      );
    if (kind === 'dqn') {
      hyper = { ...DQN_DEFAULTS };
      trained = await trainDqn(
        { ...DQN_DEFAULTS, env, episodes: o.episodes, seed: o.seed },
        pool,
        onProgress,
      );
    } else {
      hyper = { ...PPO_DEFAULTS };
      trained = await trainPpo(
        { ...PPO_DEFAULTS, env, episodes: o.episodes, seed: o.seed },
        pool,
        onProgress,
      );
    }
  } finally {
    bar?.done();
    await pool.close();
  }
  const trainWallS = (performance.now() - t0) / 1000;
  const k = Math.max(1, Math.floor(trained.losses.length / 10));
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(xs.length, 1);
  const metrics: Record<string, unknown> = {
    train_wall_s: Number(trainWallS.toFixed(1)),
    rollout_threads: o.threads ?? 'all cores',
    loss_first_10pct: mean(trained.losses.slice(0, k)),
    loss_last_10pct: mean(trained.losses.slice(-k)),
    reward_first_round_bps: trained.roundRewards[0],
    reward_last_round_bps: trained.roundRewards[trained.roundRewards.length - 1],
  };
  const envMeta = { ...env, venues: env.world.venues.map((v) => v.name) };
  const metadata = await writePolicy(
    dir,
    trained.layers,
    {
      policy: kind,
      seed: o.seed,
      episodes: o.episodes,
      training_seeds: `${o.seed * 1_000_000 + 1}..${o.seed * 1_000_000 + o.episodes}`,
      env: envMeta,
      hyperparameters: hyper,
      metrics,
      command: o.command,
    },
    env,
  );
  if (o.evalEpisodes > 0) {
    const policy = OnnxPolicy.load(dir);
    try {
      const ev = await evaluateRouting(
        env,
        [...fixedRouterPolicies(env.timeoutNs, env.forecaster), trainedPolicy(policy)],
        o.evalEpisodes,
      );
      const mine = ev.policies[ev.policies.length - 1];
      const best = ev.policies.find((p) => p.name === ev.bestFixed);
      metrics.heldout = {
        episodes: ev.episodes,
        bps: mine.bps,
        hindsight_pct: mine.hindsightPct,
        best_fixed: ev.bestFixed,
        best_fixed_bps: best?.bps,
        vs_best_fixed_bps: mine.vsBestFixed,
      };
      await writePolicy(dir, trained.layers, { ...metadata, metrics }, env);
    } finally {
      policy.release();
    }
  }
  print(
    `${kind}: ${o.episodes} episodes in ${trainWallS.toFixed(1)} s; wrote ${dir}/model.onnx and metadata.json`,
  );
  print(
    `  loss ${Number(metrics.loss_first_10pct).toFixed(4)} (first 10% of steps) -> ${Number(metrics.loss_last_10pct).toFixed(4)} (last 10%)`,
  );
  const h = metrics.heldout as
    | {
        bps: { mean: number; ci95: number };
        best_fixed: string;
        best_fixed_bps: { mean: number; ci95: number };
      }
    | undefined;
  if (h)
    print(
      `  held-out: ${h.bps.mean.toFixed(3)} +/- ${h.bps.ci95.toFixed(3)} bps; best fixed (${h.best_fixed}) ${h.best_fixed_bps.mean.toFixed(3)} +/- ${h.best_fixed_bps.ci95.toFixed(3)} bps`,
    );
  return { metadata: { ...metadata, metrics }, losses: trained.losses, dir };
}
