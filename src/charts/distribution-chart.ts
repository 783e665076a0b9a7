/**
 * Histograms of one quantity for several series overlaid (predicted vs realised latency): shared
 * bins, heights as a share of each series' samples so series of different sizes compare, and a
 * dashed line at each median. Log-spaced bins and axis by default, for latencies.
 */
import {
  type Domain,
  finiteExtent,
  linearScale,
  logScale,
  logTicks,
  niceTicks,
  px,
  widenDegenerate,
} from './chart-scale.js';
import {
  axisMargin,
  bottomAxis,
  type ChartSize,
  emptyChart,
  horizontalGrid,
  type LegendItem,
  legendRows,
  legendSvg,
  PALETTE,
  plotArea,
  plotBackground,
  sideAxis,
  svgDocument,
  verticalGrid,
} from './svg-chart.js';
import { formatCompact, formatNumber } from './text-format.js';

export interface DistributionSeries {
  name: string;
  values: readonly number[];
  color?: string;
}

export interface DistributionChartSpec {
  title: string;
  xTitle: string;
  yTitle?: string;
  series: readonly DistributionSeries[];
  /** Number of bins across the data's range. */
  bins?: number;
  /** Log-spaced bins and axis; non-positive values are left out. Default true. */
  logX?: boolean;
  formatX?: (value: number) => string;
  /** Dashed vertical line at each series' median. Default true. */
  medians?: boolean;
  size?: ChartSize;
}

const DEFAULT_SIZE: ChartSize = { width: 480, height: 280 };

export function renderDistributionChart(spec: DistributionChartSpec): string {
  const size = spec.size ?? DEFAULT_SIZE;
  const logX = spec.logX ?? true;
  const yTitle = spec.yTitle ?? 'share of samples (%)';
  const series = spec.series.map((s, i) => ({
    name: s.name,
    color: s.color ?? PALETTE[i % PALETTE.length],
    values: s.values.filter((v) => Number.isFinite(v) && (!logX || v > 0)),
  }));
  const extent = finiteExtent(series.flatMap((s) => s.values));
  if (extent === undefined) return emptyChart(size, spec.title, spec.xTitle, yTitle);

  const items: LegendItem[] = series.map((s) => ({ name: s.name, color: s.color, mark: 'box' }));
  const rows = legendRows(items, size.width - 90);
  const binDomain: Domain = logX ? logDegenerate(extent) : widenDegenerate(extent);
  const edges = binEdges(binDomain, spec.bins ?? 40, logX);
  const shares = series.map((s) => histogram(s.values, edges));
  const yTicks = niceTicks([0, Math.min(100, Math.max(...shares.flat(), 1e-9) * 1.05)], 5);
  const yDecimals = Math.max(0, -Math.floor(Math.log10(yTicks.step)));
  const yLabels = yTicks.ticks.map((v) => formatNumber(v, yDecimals));
  const area = plotArea(size, rows.length, axisMargin(yLabels));
  const xTicks = logX ? logTicks(binDomain) : niceTicks(binDomain, 5);
  const sx = (logX ? logScale : linearScale)(xTicks.domain, [area.x0, area.x1]);
  const sy = linearScale(yTicks.domain, [area.y1, area.y0]);
  const fmtX = spec.formatX ?? ((v: number) => formatCompact(v, logX ? v : xTicks.step));

  let body = plotBackground(area);
  body += horizontalGrid(yTicks.ticks.map(sy), area);
  body += verticalGrid(xTicks.ticks.map(sx), area);
  series.forEach((s, i) => {
    if (s.values.length === 0) return;
    body += stepPath(edges.map(sx), shares[i].map(sy), sy(0), s.color);
  });
  if (spec.medians ?? true) {
    for (const s of series) {
      if (s.values.length === 0) continue;
      const x = sx(median(s.values));
      body += `<line x1="${px(x)}" y1="${px(area.y0)}" x2="${px(x)}" y2="${px(area.y1)}" stroke="${s.color}" stroke-width="1.5" stroke-dasharray="5 3"/>`;
    }
  }
  body += bottomAxis(
    xTicks.ticks.map((v) => ({ at: sx(v), label: fmtX(v) })),
    area,
    spec.xTitle,
  );
  body += sideAxis(
    yTicks.ticks.map((v) => ({
      at: sy(v),
      label: formatNumber(v, Math.max(0, -Math.floor(Math.log10(yTicks.step)))),
    })),
    area,
    yTitle,
    'left',
  );
  body += legendSvg(rows, area.x0, 6);
  return svgDocument(size, spec.title, body);
}

function logDegenerate([lo, hi]: Domain): Domain {
  return hi > lo ? [lo, hi] : [lo / 1.5, hi * 1.5];
}

/** n + 1 bin edges spanning the domain, evenly in value or in log10(value). */
function binEdges([lo, hi]: Domain, n: number, logX: boolean): number[] {
  const count = Math.max(1, Math.floor(n));
  const edges: number[] = [];
  for (let i = 0; i <= count; i++) {
    const f = i / count;
    edges.push(logX ? 10 ** (Math.log10(lo) + f * (Math.log10(hi) - Math.log10(lo))) : lo + f * (hi - lo));
  }
  return edges;
}

/** Percentage of values in each bin; the last bin includes its upper edge. */
function histogram(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const v of values) {
    let lo = 0;
    let hi = edges.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (v >= edges[mid]) lo = mid;
      else hi = mid;
    }
    counts[lo] += 1;
  }
  return counts.map((c) => (values.length === 0 ? 0 : (100 * c) / values.length));
}

/** Outline of a histogram as one closed step path, shaded translucently so overlays stay visible. */
function stepPath(xs: readonly number[], ys: readonly number[], baseY: number, color: string): string {
  let d = `M${px(xs[0])} ${px(baseY)}`;
  for (let i = 0; i < ys.length; i++) d += `L${px(xs[i])} ${px(ys[i])}L${px(xs[i + 1])} ${px(ys[i])}`;
  d += `L${px(xs[xs.length - 1])} ${px(baseY)}Z`;
  return `<path d="${d}" fill="${color}" fill-opacity="0.28" stroke="${color}" stroke-width="1.5" stroke-linejoin="round"/>`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
