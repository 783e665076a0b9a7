/**
 * `hft eval routing`: DQN, PPO, every fixed router, the latency-adjusted rule on each forecast
 * (ablations) and the state and hindsight oracles, on the same held-out episodes; prints
 * execution quality with 95% intervals, paired differences to the best fixed router and to best
 * price, and the share of the state oracle's gap each policy closes; writes eval.json and
 * eval.svg (mean bps per policy with its interval) to the report directory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HftConfig } from '../config/config-types.js';
import { ConfigError } from '../core/errors.js';
import { modelsDir } from '../ml/models-dir.js';
import { type MeanCi, meanCi } from '../ml/rl/confidence.js';
import { envOptionsFromConfig } from '../ml/rl/env-options.js';
import { renderEvalChart } from '../ml/rl/eval-chart.js';
import {
  fixedRouterPolicies,
  forecastAblations,
  loadTrainedPolicies,
  oraclePolicies,
  trainedPolicies,
} from '../ml/rl/policy-set.js';
import { evaluateRouting, type RoutingEvaluation } from '../ml/rl/routing-eval.js';
import { ProgressBar } from './progress-bar.js';

export interface EvalRoutingOptions {
  /** Model directories, or folders holding them (models/: the dqn and ppo for the venues). */
  modelPaths: string[];
  reportDir: string;
  episodes: number;
  progress: boolean;
}

export async function runEvalRoutingCommand(
  cfg: HftConfig,
  o: EvalRoutingOptions,
  print: (line: string) => void,
): Promise<RoutingEvaluation> {
  if (!(Number.isInteger(o.episodes) && o.episodes >= 2))
    throw new ConfigError('--episodes', `must be an integer >= 2, got ${o.episodes}`);
  const env = envOptionsFromConfig(cfg);
  const venues = env.world.venues.map((v) => v.name);
  const trained = o.modelPaths.flatMap((path) => {
    const found = loadTrainedPolicies(path, venues);
    if (found.length === 0)
      throw new ConfigError(
        '--model',
        `no trained policy (model.onnx + metadata.json) for venues ${venues.join(', ')} under ${path}`,
      );
    return found;
  });
  for (const p of trained)
    if (p.venueCount !== venues.length || p.metadata.venues.some((v, i) => v !== venues[i]))
      throw new ConfigError(
        '--model',
        `${p.kind} was trained for venues ${p.metadata.venues.join(', ')}, not ${venues.join(', ')}`,
      );
  const bar = o.progress ? new ProgressBar(process.stderr) : null;
  let ev: RoutingEvaluation;
  try {
    ev = await evaluateRouting(
      env,
      [
        ...fixedRouterPolicies(env.timeoutNs, env.forecaster),
        ...forecastAblations(
          env.timeoutNs,
          env.forecaster,
          env.latencyModelDir ?? join(modelsDir(), 'latency'),
        ),
        ...oraclePolicies(),
        ...trainedPolicies(trained, env.forecaster),
      ],
      o.episodes,
      (d, t) => bar?.update(d / t, `episode ${d}/${t}`),
    );
  } finally {
    bar?.done();
    for (const p of trained) p.release();
  }
  for (const line of formatEvaluation(ev)) print(line);
  for (const c of forecastComparisons(ev))
    print(`forecast value: ${c.policy} vs ${c.versus}: ${interval(c.diff)} bps/share (paired over episodes)`);
  mkdirSync(o.reportDir, { recursive: true });
  writeFileSync(join(o.reportDir, 'eval.json'), `${JSON.stringify(evalJson(ev), null, 2)}\n`);
  writeFileSync(join(o.reportDir, 'eval.svg'), renderEvalChart(ev));
  print(`wrote ${join(o.reportDir, 'eval.json')} and eval.svg`);
  return ev;
}

export function formatEvaluation(ev: RoutingEvaluation): string[] {
  const lines = [
    `held-out episodes: ${ev.episodes} x ${ev.episodeSeconds} s, ${ev.ordersPerEpisode.toFixed(0)} orders each on average (seeds ${ev.seeds[0]}..${ev.seeds[ev.seeds.length - 1]}); outages in ${(100 * ev.outageEpisodeShare).toFixed(0)}%, congestion in ${(100 * ev.congestionEpisodeShare).toFixed(0)}% of them`,
    'policy                    bps/share (95% CI)        vs best fixed (95% CI)    vs best-price (95% CI)   gap   fill',
  ];
  for (const p of ev.policies) {
    const ci = `${fmt(p.bps.mean)} [${fmt(p.bps.lo)}, ${fmt(p.bps.hi)}]`;
    const vs = p.vsBestFixed ? interval(p.vsBestFixed) : '(best fixed)';
    const vsBp = p.vsBestPrice ? interval(p.vsBestPrice) : '';
    const gap = p.gapShare === undefined ? '' : `${(100 * p.gapShare).toFixed(0)}%`;
    lines.push(
      `${p.name.padEnd(26)}${ci.padEnd(26)}${vs.padEnd(26)}${vsBp.padEnd(25)}${gap.padStart(5)}${`${(100 * p.fillRate).toFixed(1)}%`.padStart(7)}`,
    );
  }
  return lines;
}

/**
 * The same kind of policy trained on different forecasts (`dqn` on the served ONNX model's,
 * `dqn/ewma` on the EWMA's): the paired difference per episode says what the forecast is worth.
 */
export function forecastComparisons(
  ev: RoutingEvaluation,
): { policy: string; versus: string; diff: MeanCi }[] {
  const trained = ev.policies.filter((p) => p.kind === 'trained');
  const out: { policy: string; versus: string; diff: MeanCi }[] = [];
  for (const p of trained)
    for (const q of trained) {
      if (q === p || !q.name.startsWith(`${p.name}/`)) continue;
      out.push({
        policy: p.name,
        versus: q.name,
        diff: meanCi(p.episodeBps.map((x, i) => x - q.episodeBps[i])),
      });
    }
  return out;
}

function interval(m: { mean: number; lo: number; hi: number }): string {
  return `${fmt(m.mean)} [${fmt(m.lo)}, ${fmt(m.hi)}]`;
}

function fmt(x: number): string {
  return (x >= 0 ? '+' : '') + x.toFixed(3);
}

function ci(m: { mean: number; ci95: number; lo: number; hi: number } | undefined): unknown {
  return m ? { mean: m.mean, ci95: m.ci95, lo: m.lo, hi: m.hi } : null;
}

function evalJson(ev: RoutingEvaluation): unknown {
  return {
    episodes: ev.episodes,
    episode_s: ev.episodeSeconds,
    orders_per_episode: ev.ordersPerEpisode,
    seeds: ev.seeds,
    best_fixed: ev.bestFixed,
    outage_episode_share: ev.outageEpisodeShare,
    congestion_episode_share: ev.congestionEpisodeShare,
    forecast_value: forecastComparisons(ev).map((c) => ({
      policy: c.policy,
      versus: c.versus,
      diff_bps: ci(c.diff),
    })),
    policies: Object.fromEntries(
      ev.policies.map((p) => [
        p.name,
        {
          kind: p.kind,
          forecaster: p.forecaster,
          bps: ci(p.bps),
          vs_best_fixed_bps: ci(p.vsBestFixed),
          vs_best_price_bps: ci(p.vsBestPrice),
          state_oracle_gap_share: p.gapShare ?? null,
          hindsight_best_pct: p.hindsightPct,
          fill_rate: p.fillRate,
          timeouts: p.timeouts,
          venue_share: p.venueShare,
          episode_bps: p.episodeBps,
        },
      ]),
    ),
  };
}
