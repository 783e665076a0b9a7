/**
 * The causal filter's forecasts on evaluation rows: each series runs through a fresh filter of
 * its process from its first sample, and a row's forecast is taken after every sample before its
 * target and none after (the same history the features and baselines see).
 */
import { type LatencyRows, QUANTILES } from '../latency-dataset.js';
import type { FilterForecasts } from '../latency-evaluation.js';
import type { LatencySamples } from '../latency-series.js';
import { CausalRegimeFilter } from './causal-regime-filter.js';
import type { HiddenStateProcess } from './hidden-state-process.js';

/** The true process of a series, by its venue name (simulated series are named `VENUE#seed`). */
export interface FilterReference {
  /** What the filter knows, for reports: e.g. "true parameters: config market.venues". */
  readonly description: string;
  processOf(venue: string): HiddenStateProcess;
}

/** Forecasts in ns (rows x 3), in the order of `rows`. */
export function filterForecasts(
  samples: LatencySamples,
  rows: LatencyRows,
  ref: FilterReference,
): Float64Array {
  const out = new Float64Array(rows.count * QUANTILES.length);
  let filter: CausalRegimeFilter | null = null;
  let seriesAt = -1;
  let observed = 0;
  for (let r = 0; r < rows.count; r++) {
    const s = samples.series[rows.series[r]];
    if (rows.series[r] !== seriesAt || rows.targetIndex[r] < observed) {
      seriesAt = rows.series[r];
      filter = new CausalRegimeFilter(ref.processOf(s.venue));
      observed = 0;
    }
    const f = filter as CausalRegimeFilter;
    for (; observed < rows.targetIndex[r]; observed++) f.observe(s.tsNs[observed], s.latencyNs[observed]);
    f.forecast(QUANTILES, out, r * QUANTILES.length);
  }
  return out;
}

/** The reference's forecasts with its description, or null without a reference (process unknown). */
export function referenceForecasts(
  samples: LatencySamples,
  rows: LatencyRows,
  ref: FilterReference | null,
): FilterForecasts | null {
  return ref ? { forecastsNs: filterForecasts(samples, rows, ref), parameters: ref.description } : null;
}
