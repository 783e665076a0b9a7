import { describe, expect, it } from 'vitest';
import { routerPolicy, runEpisodeSync } from '../../../src/ml/rl/episode.js';
import { RoutingEnv } from '../../../src/ml/rl/routing-env.js';
import { featureCount } from '../../../src/ml/rl/routing-features.js';
import { splitMenu } from '../../../src/ml/rl/split-actions.js';
import { hindsightOracle, StateOracle } from '../../../src/ml/rl/state-oracle.js';
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
    expect(steps).toBe(Math.min(50, env.orderCount));
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

  it('scores the state oracle above best price, and best price below the hindsight bound', () => {
    const env = new RoutingEnv(shortEnv());
    const mean = (t: { steps: number; rewards: Float32Array; qty: Float32Array }) => {
      let b = 0;
      let q = 0;
      for (let i = 0; i < t.steps; i++) {
        b += t.rewards[i] * t.qty[i];
        q += t.qty[i];
      }
      return b / q;
    };
    let oracle = 0;
    let bp = 0;
    let hind = 0;
    for (let s = 1; s <= 4; s++) {
      oracle += mean(runEpisodeSync(env, s, new StateOracle(8)));
      bp += mean(runEpisodeSync(env, s, routerPolicy(createRouter('best-price'))));
      hind += mean(runEpisodeSync(env, s, hindsightOracle));
    }
    expect(oracle).toBeGreaterThan(bp);
    expect(hind).toBeGreaterThan(oracle);
  });

  it('never lets the state oracle send an order to a venue that is down', () => {
    const env = new RoutingEnv(shortEnv(400));
    const oracle = new StateOracle(4);
    const w = new Float64Array(env.venueCount);
    let whileDown = 0;
    for (let seed = 1; seed <= 12 && whileDown < 20; seed++) {
      env.reset(seed);
      while (!env.done) {
        const v = oracle.act(env.lastObs, env, w);
        if (env.tape.downAt(v, env.nowNs)) throw new Error(`routed to venue ${v} while down`);
        for (let k = 0; k < env.venueCount; k++) if (env.tape.downAt(k, env.nowNs)) whileDown++;
        env.step(w);
      }
    }
    // Orders did meet outages (the routing world's stress makes them common).
    expect(whileDown).toBeGreaterThanOrEqual(20);
  });
});
