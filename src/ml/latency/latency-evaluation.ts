/**
 * The model against the baselines on the same test rows (docs/contract.md eval.json): pinball loss per
 * quantile and mean, MAE of p50, p90/p99 coverage, for the model and for each baseline, plus the
 * model's gain over the best baseline and a per-venue breakdown. When the process that made the
 * samples is known, also its causal filter (causal-filter/) and the share of the filter's gain
 * over the best baseline that the model closes.
 */
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
  /** 1 - model mean pinball / best baseline mean pinball. */
  improvement_vs_best: number;
  /**
   * The Bayes (HMM forward) filter with the true parameters of the process that made the samples,
   * past samples only: the best a causal forecaster can do. Null when the process is unknown.
   */
  causal_filter: FilterScore | null;
  /** (best baseline - model) / (best baseline - causal filter) in pinball loss; null without a filter. */
  gap_closed: GapClosed | null;
  by_venue: Record<string, VenueScores>;
}

export interface FilterScore extends ForecastScore {
  /** What the filter knows (which process, whose parameters). */
  parameters: string;
}

export interface GapClosed {
  /** The baseline the gap is measured from: the best by mean pinball. */
  baseline: BaselineName;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

interface VenueScores {
  test_samples: number;
  model: ForecastScore;
  best_baseline: ForecastScore;
  causal_filter?: ForecastScore;
  gap_closed?: number;
}

/** The causal filter's forecasts (rows x 3, ns) on the same rows, and what it knows. */
export interface FilterForecasts {
  readonly forecastsNs: Float64Array;
  readonly parameters: string;
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
  filter: FilterForecasts | null = null,
): LatencyEvalReport {
  if (!rows.baselines) throw new Error('evaluateForecasts: rows were built without baselines');
  const b = rows.baselines;
  const baselines = Object.fromEntries(
    BASELINES.map((n) => [n, scoreForecasts(b[n], rows.targetNs)]),
  ) as Record<BaselineName, ForecastScore>;
  const best = BASELINES.reduce((a, n) => (baselines[n].pinball.mean < baselines[a].pinball.mean ? n : a));
  const model = scoreForecasts(modelNs, rows.targetNs);
  const causal = filter ? scoreForecasts(filter.forecastsNs, rows.targetNs) : null;
  return {
    samples: totalSamples,
    test_samples: rows.count,
    model,
    baselines,
    best_baseline: best,
    improvement_vs_best: 1 - model.pinball.mean / baselines[best].pinball.mean,
    causal_filter: causal && filter ? { ...causal, parameters: filter.parameters } : null,
    gap_closed: causal ? gapClosed(best, baselines[best], model, causal) : null,
    by_venue: byVenue(samples, rows, modelNs, b[best], filter?.forecastsNs ?? null),
  };
}

function gapClosed(
  name: BaselineName,
  base: ForecastScore,
  model: ForecastScore,
  filter: ForecastScore,
): GapClosed {
  const share = (k: keyof ForecastScore['pinball']) =>
    (base.pinball[k] - model.pinball[k]) / (base.pinball[k] - filter.pinball[k]);
  return { baseline: name, mean: share('mean'), p50: share('p50'), p90: share('p90'), p99: share('p99') };
}

/** Scores per venue name (series of one venue, e.g. several simulated seeds, are pooled). */
function byVenue(
  samples: LatencySamples,
  rows: LatencyRows,
  modelNs: Float64Array,
  bestNs: Float64Array,
  filterNs: Float64Array | null,
) {
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
    const scores: VenueScores = {
      test_samples: idx.length,
      model: scoreForecasts(pick(modelNs), actual),
      best_baseline: scoreForecasts(pick(bestNs), actual),
    };
    if (filterNs) {
      const f = scoreForecasts(pick(filterNs), actual);
      const base = scores.best_baseline.pinball.mean;
      scores.causal_filter = f;
      scores.gap_closed = (base - scores.model.pinball.mean) / (base - f.pinball.mean);
    }
    out[name] = scores;
  }
  return out;
}
