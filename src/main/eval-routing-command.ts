/**
 * `hft eval routing`: DQN, PPO and every fixed router on the same held-out episodes; prints
 * execution quality with 95% intervals and the hindsight-best agreement, writes eval.json and
 * eval.svg (mean bps per policy with its interval) to the report directory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HftConfig } from '../config/config-types.js';
import { ConfigError } from '../core/errors.js';
import { envOptionsFromConfig } from '../ml/rl/env-options.js';
import { renderEvalChart } from '../ml/rl/eval-chart.js';
import { fixedRouterPolicies, loadTrainedPolicies, trainedPolicy } from '../ml/rl/policy-set.js';
import { evaluateRouting, type RoutingEvaluation } from '../ml/rl/routing-eval.js';
import { ProgressBar } from './progress-bar.js';

export interface EvalRoutingOptions {
  modelPath: string;
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
  const venues = env.venues.map((v) => v.name);
  const trained = loadTrainedPolicies(o.modelPath, venues);
  if (trained.length === 0)
    throw new ConfigError(
      '--model',
      `no trained policy (model.onnx + metadata.json) for venues ${venues.join(', ')} under ${o.modelPath}`,
    );
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
      [...fixedRouterPolicies(), ...trained.map(trainedPolicy)],
      o.episodes,
      (d, t) => bar?.update(d / t, `episode ${d}/${t}`),
    );
  } finally {
    bar?.done();
    for (const p of trained) p.release();
  }
  for (const line of formatEvaluation(ev)) print(line);
  mkdirSync(o.reportDir, { recursive: true });
  writeFileSync(join(o.reportDir, 'eval.json'), `${JSON.stringify(evalJson(ev), null, 2)}\n`);
  writeFileSync(join(o.reportDir, 'eval.svg'), renderEvalChart(ev));
  print(`wrote ${join(o.reportDir, 'eval.json')} and eval.svg`);
  return ev;
}

export function formatEvaluation(ev: RoutingEvaluation): string[] {
  const lines = [
    `held-out episodes: ${ev.episodes} x ${ev.ordersPerEpisode} orders (seeds ${ev.seeds[0]}..${ev.seeds[ev.seeds.length - 1]})`,
    'policy              bps/share (95% CI)        vs best fixed (95% CI)   hindsight-best  fill rate',
  ];
  for (const p of ev.policies) {
    const ci = `${fmt(p.bps.mean)} [${fmt(p.bps.lo)}, ${fmt(p.bps.hi)}]`;
    const vs = p.vsBestFixed
      ? `${fmt(p.vsBestFixed.mean)} [${fmt(p.vsBestFixed.lo)}, ${fmt(p.vsBestFixed.hi)}]`
      : '(best fixed)';
    lines.push(
      `${p.name.padEnd(20)}${ci.padEnd(26)}${(p.fixed && !p.vsBestFixed ? '(best fixed)' : vs).padEnd(25)}${`${p.hindsightPct.toFixed(1)}%`.padStart(14)}${`${(100 * p.fillRate).toFixed(1)}%`.padStart(11)}`,
    );
  }
  return lines;
}

function fmt(x: number): string {
  return (x >= 0 ? '+' : '') + x.toFixed(3);
}

function evalJson(ev: RoutingEvaluation): unknown {
  return {
    episodes: ev.episodes,
    orders_per_episode: ev.ordersPerEpisode,
    seeds: ev.seeds,
    best_fixed: ev.bestFixed,
    policies: Object.fromEntries(
      ev.policies.map((p) => [
        p.name,
        {
          kind: p.fixed ? 'fixed' : 'trained',
          bps: { mean: p.bps.mean, ci95: p.bps.ci95, lo: p.bps.lo, hi: p.bps.hi },
          vs_best_fixed_bps: p.vsBestFixed
            ? {
                mean: p.vsBestFixed.mean,
                ci95: p.vsBestFixed.ci95,
                lo: p.vsBestFixed.lo,
                hi: p.vsBestFixed.hi,
              }
            : null,
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
