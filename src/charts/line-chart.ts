/** Line charts over a numeric x axis (time series): several series, optional area, optional second y axis. */
import { type Domain, finiteExtent, type LinearTicks, linearScale, niceTicks, px } from './chart-scale.js';
import {
  axisMargin,
  bottomAxis,
  type ChartSize,
  emptyChart,
  horizontalGrid,
  INK,
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
import { formatCompact } from './text-format.js';

export interface LineSeries {
  name: string;
  x: readonly number[];
  y: readonly number[];
  color?: string;
  /** Shade between the line and zero. */
  area?: boolean;
  /** Plot against the right-hand axis, for a second unit or scale. */
  axis?: 'left' | 'right';
}

export type TickFormat = (value: number, step: number) => string;

export interface LineChartSpec {
  title: string;
  xTitle: string;
  yTitle: string;
  yRightTitle?: string;
  series: readonly LineSeries[];
  size?: ChartSize;
  formatX?: TickFormat;
  formatY?: TickFormat;
  formatYRight?: TickFormat;
  /** Defaults to showing a legend when there is more than one series. */
  legend?: boolean;
}

type Point = readonly [number, number];

const DEFAULT_SIZE: ChartSize = { width: 960, height: 300 };

export function renderLineChart(spec: LineChartSpec): string {
  const size = spec.size ?? DEFAULT_SIZE;
  const series = spec.series.map((s, i) => ({
    ...s,
    color: s.color ?? PALETTE[i % PALETTE.length],
    points: finitePoints(s),
  }));
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return emptyChart(size, spec.title, spec.xTitle, spec.yTitle);

  const hasRight = series.some((s) => s.axis === 'right' && s.points.length > 0);
  const items: LegendItem[] = series.map((s) => ({
    name: s.name,
    color: s.color,
    mark: s.area ? 'box' : 'line',
  }));
  const rows = (spec.legend ?? series.length > 1) ? legendRows(items, size.width - 90) : [];
  const leftSeries = series.filter((s) => s.axis !== 'right');
  const rightSeries = series.filter((s) => s.axis === 'right');
  const fmtY = spec.formatY ?? formatCompact;
  const fmtR = spec.formatYRight ?? formatCompact;
  const yLeft = yTicksFor(leftSeries);
  const yRight = hasRight ? yTicksFor(rightSeries) : undefined;
  const leftLabels = yLeft.ticks.map((v) => fmtY(v, yLeft.step));
  const rightLabels = yRight ? yRight.ticks.map((v) => fmtR(v, yRight.step)) : [];
  const area = plotArea(size, rows.length, axisMargin(leftLabels), yRight ? axisMargin(rightLabels) : 18);

  const xTicks = niceTicks(
    finiteExtent(all.map((p) => p[0]))!,
    Math.max(3, Math.round((area.x1 - area.x0) / 110)),
  );
  const sx = linearScale(xTicks.domain, [area.x0, area.x1]);
  const syLeft = linearScale(yLeft.domain, [area.y1, area.y0]);
  const syRight = yRight ? linearScale(yRight.domain, [area.y1, area.y0]) : syLeft;
  const fmtX = spec.formatX ?? formatCompact;

  let body = plotBackground(area);
  body += horizontalGrid(yLeft.ticks.map(syLeft), area);
  body += verticalGrid(xTicks.ticks.map(sx), area);
  if (yLeft.domain[0] < 0 && yLeft.domain[1] > 0) {
    body += `<line x1="${px(area.x0)}" y1="${px(syLeft(0))}" x2="${px(area.x1)}" y2="${px(syLeft(0))}" stroke="${INK.axis}" stroke-width="1.5"/>`;
  }
  for (const s of series) {
    const sy = s.axis === 'right' ? syRight : syLeft;
    const screen = decimate(s.points.map(([x, y]) => [sx(x), sy(y)] as const));
    body += seriesMarks(screen, s.color, s.area === true, sy(0), area.y0, area.y1);
  }
  body += bottomAxis(
    xTicks.ticks.map((v) => ({ at: sx(v), label: fmtX(v, xTicks.step) })),
    area,
    spec.xTitle,
  );
  const axisColor = (list: typeof series) => (hasRight && list.length > 0 ? list[0].color : INK.text);
  body += sideAxis(
    yLeft.ticks.map((v, i) => ({ at: syLeft(v), label: leftLabels[i] })),
    area,
    spec.yTitle,
    'left',
    axisColor(leftSeries),
  );
  if (yRight) {
    body += sideAxis(
      yRight.ticks.map((v, i) => ({ at: syRight(v), label: rightLabels[i] })),
      area,
      spec.yRightTitle ?? '',
      'right',
      axisColor(rightSeries),
    );
  }
  body += legendSvg(rows, area.x0, 6);
  return svgDocument(size, spec.title, body);
}

function finitePoints(s: LineSeries): Point[] {
  const n = Math.min(s.x.length, s.y.length);
  const out: Point[] = [];
  for (let i = 0; i < n; i++)
    if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) out.push([s.x[i], s.y[i]]);
  return out;
}

/** Y ticks for a group of series; shaded series always include zero, their baseline. */
function yTicksFor(list: readonly { points: Point[]; area?: boolean }[]): LinearTicks {
  const ys = list.flatMap((s) => s.points.map((p) => p[1]));
  if (list.some((s) => s.area)) ys.push(0);
  const extent: Domain = finiteExtent(ys) ?? [0, 1];
  return niceTicks(extent, 5);
}

function seriesMarks(
  pts: readonly Point[],
  color: string,
  shaded: boolean,
  zeroY: number,
  top: number,
  bottom: number,
): string {
  if (pts.length === 0) return '';
  if (pts.length === 1) {
    return `<circle cx="${px(pts[0][0])}" cy="${px(pts[0][1])}" r="4" fill="${color}"/>`;
  }
  const line = pts.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${px(x)} ${px(y)}`).join('');
  let out = '';
  if (shaded) {
    const base = Math.min(bottom, Math.max(top, zeroY));
    const first = pts[0][0];
    const last = pts[pts.length - 1][0];
    out += `<path d="M${px(first)} ${px(base)}${line.replace(/^M/, 'L')}L${px(last)} ${px(base)}Z" fill="${color}" fill-opacity="0.16" stroke="none"/>`;
  }
  // Dense series read better with a thinner stroke: at 2 units the line merges into a band.
  const width = pts.length > 300 ? 1.5 : 2;
  return `${out}<path d="${line}" fill="none" stroke="${color}" stroke-width="${width}" stroke-linejoin="round" stroke-linecap="round"/>`;
}

/**
 * Keeps at most the first, lowest, highest and last point of each pixel column, so a long
 * series draws the same envelope with a path a few thousand points long.
 */
function decimate(pts: readonly Point[]): Point[] {
  if (pts.length < 2000) return [...pts];
  const out: Point[] = [];
  let column = Number.NaN;
  let bucket: Point[] = [];
  const flush = () => {
    if (bucket.length === 0) return;
    let lo = bucket[0];
    let hi = bucket[0];
    for (const p of bucket) {
      if (p[1] < lo[1]) lo = p;
      if (p[1] > hi[1]) hi = p;
    }
    const keep = [bucket[0], lo, hi, bucket[bucket.length - 1]];
    for (const p of keep) if (out[out.length - 1] !== p) out.push(p);
  };
  for (const p of pts) {
    const c = Math.round(p[0]);
    if (c !== column) {
      flush();
      bucket = [];
      column = c;
    }
    bucket.push(p);
  }
  flush();
  return out;
}
