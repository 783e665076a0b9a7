/**
 * Supervised rows from latency series: after each sample, the features of its venue (as the
 * predict stage would compute them then) and the venue's next sample as the target. The split is
 * by time within each series: a row belongs to `train` when its target is in the first
 * `trainFraction` of the series, to `test` otherwise; rows are never shuffled across it. Test
 * rows' features do use the earlier samples: that is the past, available at forecast time.
 * The baselines are computed on the same rows, from the same history.
 */
import { EwmaLatencyForecaster } from '../ewma-latency-forecaster.js';
import { FEATURE_COUNT, LatencyFeatures } from './latency-features.js';
import type { LatencySamples } from './latency-series.js';
import { SortedWindows } from './sorted-window.js';

export type RowPart = 'train' | 'test' | 'all';
export const TRAIN_FRACTION = 0.7;
export const QUANTILES = [0.5, 0.9, 0.99] as const;
export const QUANTILE_NAMES = ['p50', 'p90', 'p99'] as const;
export const BASELINES = ['last', 'ewma', 'rolling'] as const;
export type BaselineName = (typeof BASELINES)[number];
/** The rolling-quantile baseline's window (samples) and the EWMA baseline's weight (as predict uses). */
export const ROLLING_BASELINE_WINDOW = 100;
export const EWMA_BASELINE_ALPHA = 0.05;

export interface LatencyRows {
  readonly count: number;
  /** count x FEATURE_COUNT. */
  readonly features: Float32Array;
  /** The features' reference level (log ns) per row. */
  readonly refLog: Float64Array;
  readonly targetNs: Float64Array;
  /** Index of the series each row comes from, and of its target sample in that series. */
  readonly series: Int32Array;
  readonly targetIndex: Int32Array;
  /** Per baseline, count x 3 quantile forecasts in ns (only when asked for). */
  readonly baselines: Record<BaselineName, Float64Array> | null;
}

export function buildRows(
  samples: LatencySamples,
  part: RowPart,
  opts: { baselines?: boolean; trainFraction?: number } = {},
): LatencyRows {
  const cap = samples.series.reduce((n, s) => n + s.tsNs.length, 0);
  const rows = allocate(cap, opts.baselines === true);
  let count = 0;
  const fraction = opts.trainFraction ?? TRAIN_FRACTION;
  const quant = new Float64Array(4);
  samples.series.forEach((s, si) => {
    const features = new LatencyFeatures(1, samples.wallOffsetNs);
    const ewma = new EwmaLatencyForecaster(1, EWMA_BASELINE_ALPHA);
    const rolling = new SortedWindows(1, ROLLING_BASELINE_WINDOW);
    const n = s.tsNs.length;
    const split = Math.floor(n * fraction);
    for (let i = 0; i < n - 1; i++) {
      const ns = s.latencyNs[i];
      features.observe(0, s.tsNs[i], ns, s.orderQty[i]);
      ewma.observe(0, ns);
      rolling.push(0, Math.log(ns));
      const target = i + 1;
      if (!features.ready(0) || !inPart(part, target, split)) continue;
      features.write(0, s.tsNs[i], rows.features, count * FEATURE_COUNT);
      rows.refLog[count] = features.reference(0);
      rows.targetNs[count] = s.latencyNs[target];
      rows.series[count] = si;
      rows.targetIndex[count] = target;
      if (rows.baselines) {
        const b = rows.baselines;
        b.last.fill(ns, count * 3, count * 3 + 3);
        ewma.forecast(0, quant);
        b.ewma.set(quant.subarray(0, 3), count * 3);
        for (let q = 0; q < 3; q++) b.rolling[count * 3 + q] = Math.exp(rolling.quantile(0, QUANTILES[q]));
      }
      count++;
    }
  });
  return trim(rows, count);
}

function inPart(part: RowPart, target: number, split: number): boolean {
  if (part === 'all') return true;
  return part === 'train' ? target < split : target >= split;
}

function allocate(cap: number, baselines: boolean): LatencyRows {
  return {
    count: cap,
    features: new Float32Array(cap * FEATURE_COUNT),
    refLog: new Float64Array(cap),
    targetNs: new Float64Array(cap),
    series: new Int32Array(cap),
    targetIndex: new Int32Array(cap),
    baselines: baselines
      ? {
          last: new Float64Array(cap * 3),
          ewma: new Float64Array(cap * 3),
          rolling: new Float64Array(cap * 3),
        }
      : null,
  };
}

function trim(r: LatencyRows, count: number): LatencyRows {
  const b = r.baselines;
  return {
    count,
    features: r.features.slice(0, count * FEATURE_COUNT),
    refLog: r.refLog.slice(0, count),
    targetNs: r.targetNs.slice(0, count),
    series: r.series.slice(0, count),
    targetIndex: r.targetIndex.slice(0, count),
    baselines: b
      ? {
          last: b.last.slice(0, count * 3),
          ewma: b.ewma.slice(0, count * 3),
          rolling: b.rolling.slice(0, count * 3),
        }
      : null,
  };
}

/** Targets in the model's output space: log latency relative to the row's reference. */
export function relativeTargets(rows: LatencyRows): Float32Array {
  return Float32Array.from(rows.targetNs, (ns, i) => Math.log(ns) - rows.refLog[i]);
}
