/**
 * Tunes the latency-adjusted router's constants on training seeds (never the held-out ones): a
 * grid over the touch life, the miss cost and the timeout cost, each point scored by its mean
 * execution quality over the same episodes with the forecasts the daemon serves.
 */
import { LatencyAdjustedRouter } from '../../routing/latency-adjusted-router.js';
import type { RoutingEnvOptions } from './env-options.js';
import { routerPolicy, runEpisodeSync } from './episode.js';
import { RoutingEnv } from './routing-env.js';
import { trainingSeed } from './training-seeds.js';

/** The training seed base of the tuning episodes (no shipped policy trains on it). */
export const TUNE_SEED = 2999;

export const TUNE_GRID = {
  touchLifeNs: [25e3, 50e3, 100e3, 200e3, 400e3, 800e3],
  missBps: [0.5, 1, 2, 4, 8],
  timeoutBps: [5, 50],
} as const;

export interface TunePoint {
  touchLifeNs: number;
  missBps: number;
  timeoutBps: number;
  bps: number;
}

export function tuneLatencyAdjusted(
  env: RoutingEnvOptions,
  episodes: number,
  onPoint?: (done: number, total: number) => void,
): { best: TunePoint; points: TunePoint[] } {
  const e = new RoutingEnv(env);
  const seeds = Array.from({ length: episodes }, (_, k) => trainingSeed(TUNE_SEED, k));
  const points: TunePoint[] = [];
  const total = TUNE_GRID.touchLifeNs.length * TUNE_GRID.missBps.length * TUNE_GRID.timeoutBps.length;
  for (const touchLifeNs of TUNE_GRID.touchLifeNs)
    for (const missBps of TUNE_GRID.missBps)
      for (const timeoutBps of TUNE_GRID.timeoutBps) {
        const p = { touchLifeNs, missBps, timeoutBps, timeoutNs: env.timeoutNs };
        let sum = 0;
        for (const seed of seeds) {
          const t = runEpisodeSync(e, seed, routerPolicy(new LatencyAdjustedRouter(p)));
          let bpsShares = 0;
          let qty = 0;
          for (let i = 0; i < t.steps; i++) {
            bpsShares += t.rewards[i] * t.qty[i];
            qty += t.qty[i];
          }
          sum += qty > 0 ? bpsShares / qty : 0;
        }
        points.push({ touchLifeNs, missBps, timeoutBps, bps: sum / seeds.length });
        onPoint?.(points.length, total);
      }
  const best = points.reduce((a, b) => (b.bps > a.bps ? b : a));
  return { best, points };
}
