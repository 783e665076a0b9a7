/**
 * The model against the baselines on the same test rows (docs/contract.md eval.json): pinball loss per
 * quantile and mean, MAE of p50, p90/p99 coverage, for the model and for each baseline, plus the
 * model's gain over the best baseline and a per-venue breakdown.
 */
import { centredOracleForecasts } from './centred-oracle.js';
import { BASELINES, type BaselineName, type LatencyRows } from './latency-dataset.js';
import { FEATURE_COUNT } from './latency-features.js';
import { type ForecastScore, scoreForecasts } from './latency-metrics.js';
import { decodeQuantiles, MODEL_OUTPUTS } from './latency-quantiles.js';
import type { LatencySamples } from './latency-series.js';
import type { OnnxLatencyModel } from './onnx-latency-model.js';

export interface LatencyEvalReport {
  samples: number;
  test_samples: number;
  model: ForecastScore;
  baselines: Record<BaselineName, ForecastScore>;
  best_baseline: BaselineName;
  /** Unattainable reference: quantiles of the samples around each target, future included (centred-oracle.ts). */
  oracle_centred_window: ForecastScore;
  /** 1 - model mean pinball / best baseline mean pinball. */
  improvement_vs_best: number;
  by_venue: Record<string, { test_samples: number; model: ForecastScore; best_baseline: ForecastScore }>;
}

/** Forecasts in ns (rows x 3) of the model on `rows`. */
export function modelForecasts(model: OnnxLatencyModel, rows: LatencyRows): Float64Array {
  const out = model.runAll(rows.features.subarray(0, rows.count * FEATURE_COUNT), rows.count);
  const ns = new Float64Array(rows.count * 3);
  for (let i = 0; i < rows.count; i++) decodeQuantiles(rows.refLog[i], out, i * MODEL_OUTPUTS, ns, i * 3);
  return ns;
}

export function evaluateForecasts(
  samples: LatencySamples,
  rows: LatencyRows,
  modelNs: Float64Array,
  totalSamples: number,
): LatencyEvalReport {
  if (!rows.baselines) throw new Error('evaluateForecasts: rows were built without baselines');
  const b = rows.baselines;
  const baselines = Object.fromEntries(
    BASELINES.map((n) => [n, scoreForecasts(b[n], rows.targetNs)]),
  ) as Record<BaselineName, ForecastScore>;
  const best = BASELINES.reduce((a, n) => (baselines[n].pinball.mean < baselines[a].pinball.mean ? n : a));
  const model = scoreForecasts(modelNs, rows.targetNs);
  return {
    samples: totalSamples,
    test_samples: rows.count,
    model,
    baselines,
    best_baseline: best,
    oracle_centred_window: scoreForecasts(centredOracleForecasts(samples, rows), rows.targetNs),
    improvement_vs_best: 1 - model.pinball.mean / baselines[best].pinball.mean,
    by_venue: byVenue(samples, rows, modelNs, b[best]),
  };
}

/** Scores per venue name (series of one venue, e.g. several simulated seeds, are pooled). */
function byVenue(samples: LatencySamples, rows: LatencyRows, modelNs: Float64Array, bestNs: Float64Array) {
  const names = samples.series.map((s) => s.venue.split('#')[0]);
  const out: LatencyEvalReport['by_venue'] = {};
  for (const name of [...new Set(names)]) {
    const idx: number[] = [];
    for (let i = 0; i < rows.count; i++) if (names[rows.series[i]] === name) idx.push(i);
    if (idx.length === 0) continue;
    const pick = (src: Float64Array) => {
      const dst = new Float64Array(idx.length * 3);
      for (let k = 0; k < idx.length; k++) dst.set(src.subarray(idx[k] * 3, idx[k] * 3 + 3), k * 3);
      return dst;
    };
    const actual = Float64Array.from(idx, (r) => rows.targetNs[r]);
    out[name] = {
      test_samples: idx.length,
      model: scoreForecasts(pick(modelNs), actual),
      best_baseline: scoreForecasts(pick(bestNs), actual),
    };
  }
  return out;
}
