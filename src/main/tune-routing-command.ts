/**
 * `hft eval routing --tune`: grid-searches the latency-adjusted router's constants on training
 * seeds (tune-latency-adjusted.ts) and prints the best points; the winner goes into
 * DEFAULT_LATENCY_ADJUSTED (src/routing/latency-adjusted-router.ts) by hand, with this command.
 */
import type { HftConfig } from '../config/config-types.js';
import { envOptionsFromConfig } from '../ml/rl/env-options.js';
import { TUNE_SEED, tuneLatencyAdjusted } from '../ml/rl/tune-latency-adjusted.js';

export function runTuneRouting(cfg: HftConfig, episodes: number, print: (line: string) => void): void {
  const env = envOptionsFromConfig(cfg);
  const { points } = tuneLatencyAdjusted(env, episodes);
  points.sort((a, b) => b.bps - a.bps);
  print(
    `latency-adjusted on ${episodes} training episodes (seed base ${TUNE_SEED}), forecaster ${env.forecaster}:`,
  );
  for (const p of points.slice(0, 5))
    print(
      `  touch_life ${p.touchLifeNs / 1e3} us  miss ${p.missBps} bps  timeout ${p.timeoutBps} bps  ->  ${p.bps.toFixed(4)} bps/share`,
    );
}
