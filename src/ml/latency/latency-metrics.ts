/**
 * Scores of quantile forecasts against what was then measured: pinball loss per quantile and
 * their mean (microseconds), mean absolute error of p50 (microseconds), and coverage (the share
 * of measurements at or below the p90 and p99 forecasts).
 */
import { QUANTILES } from './latency-dataset.js';

export interface ForecastScore {
  pinball: { p50: number; p90: number; p99: number; mean: number };
  mae_us: number;
  coverage: { p90: number; p99: number };
}

export function pinball(q: number, actual: number, forecast: number): number {
  const d = actual - forecast;
  return d >= 0 ? q * d : (q - 1) * d;
}

/** `forecastNs` holds 3 quantiles (p50, p90, p99) per row; `actualNs` one measurement per row. */
export function scoreForecasts(forecastNs: Float64Array, actualNs: Float64Array): ForecastScore {
  const n = actualNs.length;
  const sums = [0, 0, 0];
  let abs = 0;
  let under90 = 0;
  let under99 = 0;
  for (let i = 0; i < n; i++) {
    const y = actualNs[i] / 1e3;
    for (let q = 0; q < 3; q++) sums[q] += pinball(QUANTILES[q], y, forecastNs[i * 3 + q] / 1e3);
    abs += Math.abs(y - forecastNs[i * 3] / 1e3);
    if (actualNs[i] <= forecastNs[i * 3 + 1]) under90++;
    if (actualNs[i] <= forecastNs[i * 3 + 2]) under99++;
  }
  const d = Math.max(n, 1);
  const [p50, p90, p99] = sums.map((s) => s / d);
  return {
    pinball: { p50, p90, p99, mean: (p50 + p90 + p99) / 3 },
    mae_us: abs / d,
    coverage: { p90: under90 / d, p99: under99 / d },
  };
}
