import { describe, expect, it } from 'vitest';
import { routerPolicy, runEpisodeSync } from '../../../src/ml/rl/episode.js';
import { RoutingEnv } from '../../../src/ml/rl/routing-env.js';
import { featureCount } from '../../../src/ml/rl/routing-features.js';
import { splitMenu } from '../../../src/ml/rl/split-actions.js';
import { createRouter } from '../../../src/routing/create-router.js';
import { shortEnv } from './rl-fixtures.js';

describe('RoutingEnv', () => {
  it('reset/step: observations of the documented size, finite rewards, done after the episode', () => {
    const env = new RoutingEnv(shortEnv(50));
    const obs = env.reset(9);
    expect(obs.length).toBe(featureCount(3));
    expect(obs.every(Number.isFinite)).toBe(true);
    let steps = 0;
    for (;;) {
      const r = env.step(Float64Array.of(0, 0, 1));
      steps++;
      expect(Number.isFinite(r.reward)).toBe(true);
      expect(r.info.primaryVenue).toBe(2);
      expect(r.info.hindsightVenue).toBeGreaterThanOrEqual(0);
      if (r.done) break;
      expect(r.obs.every(Number.isFinite)).toBe(true);
    }
    expect(steps).toBe(50);
  });

  it('is deterministic per seed, and seeds differ', () => {
    const env = new RoutingEnv(shortEnv());
    const a = runEpisodeSync(env, 5, routerPolicy(createRouter('best-price')));
    const b = runEpisodeSync(env, 5, routerPolicy(createRouter('best-price')));
    const c = runEpisodeSync(env, 6, routerPolicy(createRouter('best-price')));
    expect(Array.from(b.rewards)).toEqual(Array.from(a.rewards));
    expect(Array.from(c.rewards)).not.toEqual(Array.from(a.rewards));
  });

  it('gives every policy the same orders and the same hindsight venues (common random numbers)', () => {
    const env = new RoutingEnv(shortEnv());
    const rr = runEpisodeSync(env, 3, routerPolicy(createRouter('round-robin')));
    const bp = runEpisodeSync(env, 3, routerPolicy(createRouter('best-price')));
    expect(Array.from(bp.qty)).toEqual(Array.from(rr.qty));
    // Load on a venue depends on where earlier orders went, so hindsight may differ slightly.
    let same = 0;
    for (let i = 0; i < rr.steps; i++) if (rr.hindsightVenue[i] === bp.hindsightVenue[i]) same++;
    expect(same / rr.steps).toBeGreaterThan(0.9);
    // The hindsight-best single venue is at least as good as the venue a router chose, order by order.
    expect(bp.primaryVenue.some((v, i) => v === bp.hindsightVenue[i])).toBe(true);
  });

  it('splits an order across venues as the PPO menu says', () => {
    const env = new RoutingEnv(shortEnv(20));
    env.reset(2);
    const menu = splitMenu(3);
    expect(menu).toHaveLength(7);
    const r = env.step(menu[6]);
    expect(r.info.qty).toBeGreaterThan(0);
    expect(r.info.filledFraction).toBeGreaterThanOrEqual(0);
    expect(r.info.filledFraction).toBeLessThanOrEqual(1);
  });

  it('scores best-price above round-robin over a few episodes (the reward sees prices)', () => {
    const env = new RoutingEnv(shortEnv());
    let rr = 0;
    let bp = 0;
    for (let s = 1; s <= 4; s++) {
      rr += runEpisodeSync(env, s, routerPolicy(createRouter('round-robin'))).rewards.reduce(
        (x, y) => x + y,
        0,
      );
      bp += runEpisodeSync(env, s, routerPolicy(createRouter('best-price'))).rewards.reduce(
        (x, y) => x + y,
        0,
      );
    }
    expect(bp).toBeGreaterThan(rr);
  });
});
