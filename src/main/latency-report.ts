/** `hft eval latency` output: the comparison table, and the chart written beside eval.json. */

import { renderBarChart } from '../charts/bar-chart.js';
import { BASELINES } from '../ml/latency/latency-dataset.js';
import type { LatencyEvalReport } from '../ml/latency/latency-evaluation.js';
import type { ForecastScore } from '../ml/latency/latency-metrics.js';
import { latencyVerdict } from './model-install.js';

const COLUMNS = ['forecaster', 'pinball p50', 'p90', 'p99', 'mean', 'MAE us', 'cov p90', 'cov p99'];

function rowOf(name: string, s: ForecastScore): string[] {
  const us = (v: number) => v.toFixed(2);
  const pct = (v: number) => v.toFixed(3);
  const p = s.pinball;
  return [
    name,
    us(p.p50),
    us(p.p90),
    us(p.p99),
    us(p.mean),
    us(s.mae_us),
    pct(s.coverage.p90),
    pct(s.coverage.p99),
  ];
}

/** The table as lines of text (pinball loss and MAE in microseconds). */
export function latencyEvalTable(r: LatencyEvalReport): string[] {
  const rows = [
    COLUMNS,
    rowOf('model', r.model),
    ...BASELINES.map((b) => rowOf(`${b} (baseline)`, r.baselines[b])),
    ...(r.causal_filter ? [rowOf('causal filter, true parameters', r.causal_filter)] : []),
  ];
  const widths = COLUMNS.map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const fmt = (row: string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [
    `${r.test_samples} test samples of ${r.samples}; pinball loss and MAE in microseconds`,
    fmt(rows[0]),
    ...rows.slice(1).map(fmt),
    `model vs best baseline: ${latencyVerdict(r.improvement_vs_best, r.best_baseline).summary}`,
    gapLine(r),
  ];
}

function gapLine(r: LatencyEvalReport): string {
  const g = r.gap_closed;
  if (!r.causal_filter || !g)
    return 'causal filter: none (the process that made these samples is unknown; --process abides for the CSV reference process)';
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  return (
    `gap closed, (${g.baseline} - model) / (${g.baseline} - causal filter) in pinball: mean ${pct(g.mean)}` +
    ` (p50 ${pct(g.p50)}, p90 ${pct(g.p90)}, p99 ${pct(g.p99)}); filter: ${r.causal_filter.parameters}`
  );
}

/** Bar chart of pinball loss per quantile and mean: model, each baseline, the causal filter (standalone SVG). */
export function latencyEvalChart(r: LatencyEvalReport, title: string): string {
  const keys = ['p50', 'p90', 'p99', 'mean'] as const;
  const series = [
    { name: 'model', values: keys.map((k) => r.model.pinball[k]) },
    ...BASELINES.map((b) => ({ name: b, values: keys.map((k) => r.baselines[b].pinball[k]) })),
    ...(r.causal_filter
      ? [{ name: 'causal filter', values: keys.map((k) => (r.causal_filter as ForecastScore).pinball[k]) }]
      : []),
  ];
  return renderBarChart({
    title,
    yTitle: 'pinball loss (us)',
    categories: keys.map((k) => ({ label: k === 'mean' ? 'mean' : `pinball ${k}` })),
    series,
    formatValue: (v) => v.toFixed(1),
    size: { width: 640, height: 340 },
  });
}
