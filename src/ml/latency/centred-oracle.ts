/**
 * An upper bound on what any forecaster could do from local information: for each test row, the
 * empirical quantiles of the `halfWidth` samples before and after its target in the same series
 * (past and future, the target itself left out). No real forecaster can see the future, so this
 * is a ceiling, reported beside the results to show how much of the loss is predictable at all.
 */
import { type LatencyRows, QUANTILES } from './latency-dataset.js';
import type { LatencySamples } from './latency-series.js';

export const ORACLE_HALF_WIDTH = 25;

export function centredOracleForecasts(
  samples: LatencySamples,
  rows: LatencyRows,
  halfWidth = ORACLE_HALF_WIDTH,
): Float64Array {
  const out = new Float64Array(rows.count * 3);
  const window = new Float64Array(2 * halfWidth);
  for (let r = 0; r < rows.count; r++) {
    const lat = samples.series[rows.series[r]].latencyNs;
    const t = rows.targetIndex[r];
    let n = 0;
    for (let k = Math.max(0, t - halfWidth); k <= Math.min(lat.length - 1, t + halfWidth); k++)
      if (k !== t) window[n++] = lat[k];
    const sorted = window.subarray(0, n).sort();
    for (let q = 0; q < 3; q++) out[r * 3 + q] = sorted[Math.min(n - 1, Math.floor(QUANTILES[q] * (n - 1)))];
  }
  return out;
}
