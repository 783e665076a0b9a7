/**
 * The trainers learn from counterfactuals: every action scored on the same order, tape and round
 * trips. They are only worth learning from if the action actually taken scores exactly what the
 * environment then paid, and if they differ between actions.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { rewardTargets } from '../../../src/ml/rl/dqn-trainer.js';
import { createTrace, recordStep } from '../../../src/ml/rl/episode.js';
import { RoutingEnv } from '../../../src/ml/rl/routing-env.js';
import { splitMenu } from '../../../src/ml/rl/split-actions.js';
import { shortEnv } from './rl-fixtures.js';

/** One episode with random allowed actions of `menu`; returns the trace. */
function randomEpisode(env: RoutingEnv, menu: Float64Array[], seed: number) {
  const rng = new Random(seed);
  const trace = createTrace(seed, env.opts.ordersPerEpisode, env.obsSize, menu.length);
  const weights = new Float64Array(env.venueCount);
  const obs = env.reset(seed);
  for (;;) {
    const allowed = menu
      .map((w, a) => (w.every((x, v) => x === 0 || env.quotes(v)) ? a : -1))
      .filter((a) => a >= 0);
    const a = allowed[rng.int(allowed.length)];
    weights.set(menu[a]);
    if (recordStep(trace, env, obs, a, weights)) return trace;
  }
}

describe('counterfactual action rewards', () => {
  it('score the taken split exactly as the step paid it, and the other splits differently', () => {
    const env = new RoutingEnv(shortEnv(150));
    const menu = splitMenu(env.venueCount);
    env.scoreActions(menu);
    const t = randomEpisode(env, menu, 11);
    const w = menu.length;
    let differ = 0;
    for (let i = 0; i < t.steps; i++) {
      expect(t.actionRewards[i * w + t.actions[i]]).toBeCloseTo(t.rewards[i], 4);
      const row = Array.from(t.actionRewards.subarray(i * w, (i + 1) * w)).filter((r) => !Number.isNaN(r));
      if (Math.max(...row) - Math.min(...row) > 0.01) differ++;
    }
    expect(t.steps).toBeGreaterThan(100);
    // Venues differ on a real share of orders, not on all: most orders fill alike everywhere.
    expect(differ / t.steps).toBeGreaterThan(0.1);
  });

  it('DQN targets: the taken venue only, or every venue that quoted (full information)', () => {
    const batch = {
      obs: new Float32Array(2),
      nextObs: new Float32Array(2),
      actions: Int32Array.of(1, 0),
      rewards: Float32Array.of(-1, 0.5),
      actionRewards: Float32Array.of(-2, -1, Number.NaN, 0.5, 0.25, -3),
      dones: new Float32Array(2),
    };
    const taken = rewardTargets(batch, 3, false);
    expect(Array.from(taken.mask)).toEqual([0, 1, 0, 1, 0, 0]);
    expect(Array.from(taken.rewards)).toEqual([0, -1, 0, 0.5, 0, 0]);
    const all = rewardTargets(batch, 3, true);
    expect(Array.from(all.mask)).toEqual([1, 1, 0, 1, 1, 1]);
    expect(Array.from(all.rewards)).toEqual([-2, -1, 0, 0.5, 0.25, -3]);
  });
});
