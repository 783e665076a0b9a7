/**
 * Scores routing policies on held-out episodes (seeds training never uses): every policy meets
 * the same markets, latency draws and order flow, so differences are paired. Per policy:
 * execution quality (bps per share, share-weighted within an episode) with a 95% interval over
 * episodes, the share of orders whose (primary) venue was the hindsight-best one, fill rate,
 * timeouts and venue shares; and each policy's paired difference to the best fixed router.
 */

import { type MeanCi, meanCi } from './confidence.js';
import type { RoutingEnvOptions } from './env-options.js';
import { type EnvPolicy, runEpisode } from './episode.js';
import { RoutingEnv } from './routing-env.js';
import { heldOutSeed } from './training-seeds.js';

export interface PolicyScore {
  name: string;
  fixed: boolean;
  bps: MeanCi;
  /** Per episode, share-weighted mean bps. */
  episodeBps: number[];
  hindsightPct: number;
  fillRate: number;
  timeouts: number;
  venueShare: Record<string, number>;
  /** Paired difference to the best fixed router (bps), when this is not that router. */
  vsBestFixed?: MeanCi;
}

export interface RoutingEvaluation {
  episodes: number;
  seeds: number[];
  ordersPerEpisode: number;
  bestFixed: string;
  policies: PolicyScore[];
}

export interface NamedPolicy {
  name: string;
  fixed: boolean;
  /** A fresh policy per episode (fixed routers keep state such as a round-robin cursor). */
  create: () => EnvPolicy;
}

export async function evaluateRouting(
  envOpts: RoutingEnvOptions,
  policies: readonly NamedPolicy[],
  episodes: number,
  onEpisode?: (done: number, total: number) => void,
): Promise<RoutingEvaluation> {
  const env = new RoutingEnv(envOpts);
  const seeds = Array.from({ length: episodes }, (_, k) => heldOutSeed(k));
  const venues = envOpts.venues.map((v) => v.name);
  const scores: PolicyScore[] = [];
  let done = 0;
  for (const p of policies) {
    const episodeBps: number[] = [];
    let orders = 0;
    let hits = 0;
    let filled = 0;
    let shares = 0;
    let timeouts = 0;
    const byVenue = new Float64Array(venues.length);
    for (const seed of seeds) {
      const t = await runEpisode(env, seed, p.create());
      let bpsShares = 0;
      let qty = 0;
      for (let i = 0; i < t.steps; i++) {
        bpsShares += t.rewards[i] * t.qty[i];
        qty += t.qty[i];
        filled += t.filledFraction[i] * t.qty[i];
        if (t.primaryVenue[i] === t.hindsightVenue[i]) hits++;
        byVenue[t.primaryVenue[i]]++;
      }
      orders += t.steps;
      shares += qty;
      timeouts += t.timeouts;
      episodeBps.push(bpsShares / qty);
      onEpisode?.(++done, episodes * policies.length);
    }
    scores.push({
      name: p.name,
      fixed: p.fixed,
      bps: meanCi(episodeBps),
      episodeBps,
      hindsightPct: (100 * hits) / orders,
      fillRate: filled / shares,
      timeouts,
      venueShare: Object.fromEntries(venues.map((v, k) => [v, byVenue[k] / orders])),
    });
  }
  const fixed = scores.filter((s) => s.fixed);
  const best = fixed.reduce((a, b) => (b.bps.mean > a.bps.mean ? b : a), fixed[0]);
  for (const s of scores)
    if (best && s !== best) s.vsBestFixed = meanCi(s.episodeBps.map((x, k) => x - best.episodeBps[k]));
  return {
    episodes,
    seeds,
    ordersPerEpisode: envOpts.ordersPerEpisode,
    bestFixed: best?.name ?? '',
    policies: scores,
  };
}
