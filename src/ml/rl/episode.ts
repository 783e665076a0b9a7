/**
 * Runs whole episodes of the routing environment with a policy, and keeps what training and
 * evaluation need: per order the observation, action, reward, and the routed and hindsight-best
 * venues.
 */
import type { Router } from '../../routing/router.js';
import type { RoutingEnv } from './routing-env.js';
import { venueWeights } from './split-actions.js';

/** A policy: the split (weights per venue) for the environment's current order, and its action index. */
export interface EnvPolicy {
  /** Writes weights into `weights` and returns the action index (DQN: venue; PPO: menu entry; fixed: venue). */
  act(obs: Float32Array, env: RoutingEnv, weights: Float64Array): number | Promise<number>;
}

/** A fixed router (round-robin, best-price, ...) acting through the environment's route context. */
export function routerPolicy(router: Router): EnvPolicy {
  return {
    act(_obs, env, weights) {
      const v = router.route(env.currentIntent, env.routeContext);
      venueWeights(v, weights);
      return v;
    },
  };
}

export interface EpisodeTrace {
  seed: number;
  steps: number;
  /** obs[t * obsSize ..] */
  obs: Float32Array;
  actions: Int32Array;
  rewards: Float32Array;
  /**
   * actionRewards[t * actions + a]: what order t scored or would have scored with action a of the
   * environment's menu (RoutingEnv.actionBps), on the same tape and round trips. Training's
   * counterfactuals.
   */
  actionRewards: Float32Array;
  /** Observation after each step (for DQN targets); the last one repeats the final observation. */
  nextObs: Float32Array;
  primaryVenue: Int32Array;
  hindsightVenue: Int32Array;
  qty: Float32Array;
  filledFraction: Float32Array;
  timeouts: number;
}

export function createTrace(seed: number, steps: number, obsSize: number, actions: number): EpisodeTrace {
  return {
    seed,
    steps: 0,
    obs: new Float32Array(steps * obsSize),
    actions: new Int32Array(steps),
    rewards: new Float32Array(steps),
    actionRewards: new Float32Array(steps * actions),
    nextObs: new Float32Array(steps * obsSize),
    primaryVenue: new Int32Array(steps),
    hindsightVenue: new Int32Array(steps),
    qty: new Float32Array(steps),
    filledFraction: new Float32Array(steps),
    timeouts: 0,
  };
}

/** Runs one episode; works with synchronous and asynchronous (onnxruntime) policies alike. */
export async function runEpisode(env: RoutingEnv, seed: number, policy: EnvPolicy): Promise<EpisodeTrace> {
  const trace = createTrace(seed, env.opts.ordersPerEpisode, env.obsSize, env.actionBps.length);
  const weights = new Float64Array(env.venueCount);
  const obs = env.reset(seed);
  for (;;) {
    const r = policy.act(obs, env, weights);
    const action = typeof r === 'number' ? r : await r;
    if (recordStep(trace, env, obs, action, weights)) return trace;
  }
}

/** Synchronous variant for policies that never wait (training rollouts). */
export function runEpisodeSync(env: RoutingEnv, seed: number, policy: EnvPolicy): EpisodeTrace {
  const trace = createTrace(seed, env.opts.ordersPerEpisode, env.obsSize, env.actionBps.length);
  const weights = new Float64Array(env.venueCount);
  const obs = env.reset(seed);
  for (;;) {
    const action = policy.act(obs, env, weights);
    if (typeof action !== 'number') throw new Error('runEpisodeSync: the policy returned a promise');
    if (recordStep(trace, env, obs, action, weights)) return trace;
  }
}

export function recordStep(
  trace: EpisodeTrace,
  env: RoutingEnv,
  obs: Float32Array,
  action: number,
  weights: Float64Array,
): boolean {
  const t = trace.steps++;
  const n = env.obsSize;
  trace.obs.set(obs, t * n);
  const r = env.step(weights);
  trace.actions[t] = action;
  trace.rewards[t] = r.reward;
  trace.actionRewards.set(env.actionBps, t * env.actionBps.length);
  trace.nextObs.set(r.obs, t * n);
  trace.primaryVenue[t] = r.info.primaryVenue;
  trace.hindsightVenue[t] = r.info.hindsightVenue;
  trace.qty[t] = r.info.qty;
  trace.filledFraction[t] = r.info.filledFraction;
  if (r.info.timedOut) trace.timeouts++;
  return r.done;
}
