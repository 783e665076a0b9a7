/**
 * Scores routing policies on held-out episodes (seeds training never uses): every policy meets
 * the same markets, latency draws and order flow, so differences are paired. Per policy:
 * execution quality (bps per share, share-weighted within an episode) with a 95% interval over
 * episodes, the share of orders whose (primary) venue was the hindsight-best one, fill rate,
 * timeouts and venue shares; each policy's paired difference to the best fixed router and to
 * best price; and the share of the state oracle's gap over the best fixed router it closes.
 *
 * Kinds: `fixed` routers any run can serve (the best of them is "best fixed"); `trained`
 * policies; `ablation` (a fixed rule fed a different forecast, e.g. the true latency law);
 * `bound` (the state oracle, and the hindsight oracle as a loose bound).
 */
import { type MeanCi, meanCi } from './confidence.js';
import type { ForecastSource, RoutingEnvOptions } from './env-options.js';
import { type EnvPolicy, runEpisode } from './episode.js';
import { RoutingEnv } from './routing-env.js';
import { heldOutSeed } from './training-seeds.js';

export type PolicyKind = 'fixed' | 'trained' | 'ablation' | 'bound';

export interface PolicyScore {
  name: string;
  kind: PolicyKind;
  forecaster: ForecastSource;
  bps: MeanCi;
  /** Per episode, share-weighted mean bps. */
  episodeBps: number[];
  hindsightPct: number;
  fillRate: number;
  timeouts: number;
  venueShare: Record<string, number>;
  /** Paired difference to the best fixed router (bps), when this is not that router. */
  vsBestFixed?: MeanCi;
  /** Paired difference to best price (bps). */
  vsBestPrice?: MeanCi;
  /** (this - best fixed) / (state oracle - best fixed), when the state oracle was scored. */
  gapShare?: number;
}

export interface RoutingEvaluation {
  episodes: number;
  seeds: number[];
  /** Mean orders per episode (episodes are a fixed span of market time). */
  ordersPerEpisode: number;
  episodeSeconds: number;
  bestFixed: string;
  /** Share of the held-out episodes in which some venue had an outage / a congested spell. */
  outageEpisodeShare: number;
  congestionEpisodeShare: number;
  policies: PolicyScore[];
}

export interface NamedPolicy {
  name: string;
  kind: PolicyKind;
  /** The latency forecasts the policy reads (default: the options' forecaster). */
  forecaster?: ForecastSource;
  /** A fresh policy per episode (fixed routers keep state such as a round-robin cursor). */
  create: () => EnvPolicy;
}

export const STATE_ORACLE = 'state-oracle';

export async function evaluateRouting(
  envOpts: RoutingEnvOptions,
  policies: readonly NamedPolicy[],
  episodes: number,
  onEpisode?: (done: number, total: number) => void,
): Promise<RoutingEvaluation> {
  const envs = new Map<ForecastSource, RoutingEnv>();
  const envFor = (f: ForecastSource) => {
    const known = envs.get(f);
    if (known) return known;
    const env = new RoutingEnv({ ...envOpts, forecaster: f });
    envs.set(f, env);
    return env;
  };
  const seeds = Array.from({ length: episodes }, (_, k) => heldOutSeed(k));
  const scores: PolicyScore[] = [];
  let done = 0;
  let orders = 0;
  const stress = { outage: 0, congestion: 0 };
  for (const p of policies) {
    const forecaster = p.forecaster ?? envOpts.forecaster;
    const env = envFor(forecaster);
    const first = p === policies[0];
    const score = await scorePolicy(env, p, forecaster, seeds, () => {
      if (first) countStress(env, stress);
      onEpisode?.(++done, episodes * policies.length);
    });
    orders = score.orders;
    scores.push(score.score);
  }
  const best = compare(scores);
  return {
    episodes,
    seeds,
    ordersPerEpisode: orders / episodes,
    episodeSeconds: envOpts.episodeNs / 1e9,
    bestFixed: best?.name ?? '',
    outageEpisodeShare: stress.outage / episodes,
    congestionEpisodeShare: stress.congestion / episodes,
    policies: scores,
  };
}

/** Counts whether the episode just run (the env's tape) had an outage or a congested spell anywhere. */
function countStress(env: RoutingEnv, stress: { outage: number; congestion: number }): void {
  let outage = false;
  let congestion = false;
  for (let v = 0; v < env.venueCount; v++) {
    const t = env.tape.pathTotals(v);
    outage ||= t.downNs > 0;
    congestion ||= t.congestedNs > 0;
  }
  if (outage) stress.outage++;
  if (congestion) stress.congestion++;
}

async function scorePolicy(
  env: RoutingEnv,
  p: NamedPolicy,
  forecaster: ForecastSource,
  seeds: readonly number[],
  onEpisode: () => void,
): Promise<{ score: PolicyScore; orders: number }> {
  const venues = env.opts.world.venues.map((v) => v.name);
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
    episodeBps.push(qty > 0 ? bpsShares / qty : 0);
    onEpisode();
  }
  const score: PolicyScore = {
    name: p.name,
    kind: p.kind,
    forecaster,
    bps: meanCi(episodeBps),
    episodeBps,
    hindsightPct: (100 * hits) / Math.max(1, orders),
    fillRate: filled / Math.max(1, shares),
    timeouts,
    venueShare: Object.fromEntries(venues.map((v, k) => [v, byVenue[k] / Math.max(1, orders)])),
  };
  return { score, orders };
}

/**
 * Paired differences to the best fixed router and to best price, and the state-oracle gap share;
 * returns the best fixed router.
 */
function compare(scores: PolicyScore[]): PolicyScore | undefined {
  const fixed = scores.filter((s) => s.kind === 'fixed');
  const best = fixed.length > 0 ? fixed.reduce((a, b) => (b.bps.mean > a.bps.mean ? b : a)) : undefined;
  const bestPrice = scores.find((s) => s.name === 'best-price');
  const oracle = scores.find((s) => s.name === STATE_ORACLE);
  const paired = (a: PolicyScore, b: PolicyScore) => meanCi(a.episodeBps.map((x, k) => x - b.episodeBps[k]));
  for (const s of scores) {
    if (best && s !== best) s.vsBestFixed = paired(s, best);
    if (bestPrice && s !== bestPrice) s.vsBestPrice = paired(s, bestPrice);
    if (best && oracle && oracle.bps.mean > best.bps.mean)
      s.gapShare = (s.bps.mean - best.bps.mean) / (oracle.bps.mean - best.bps.mean);
  }
  return best;
}
