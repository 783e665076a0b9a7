/**
 * The frame every chart shares: the <svg> element (viewBox only, so it scales to its container),
 * plot area, gridlines, axes with labels, legend and the "no data" placeholder. Chart kinds
 * (line-chart.ts, bar-chart.ts, distribution-chart.ts) draw their marks inside this frame.
 * All text passes through escapeHtml; all coordinates through px(), which never prints NaN.
 */
import { px } from './chart-scale.js';
import { escapeHtml } from './text-format.js';

/** Colour-blind-safe categorical palette (Okabe-Ito, slightly deepened for white backgrounds). */
export const PALETTE = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#56b4e9',
  '#d55e00',
  '#7f7f7f',
  '#b8a600',
];
export const INK = {
  text: '#1f2937',
  muted: '#6b7280',
  axis: '#9ca3af',
  grid: '#e5e7eb',
  positive: '#16803c',
  negative: '#c2410c',
} as const;

const FONT_SIZE = 12;
const LEGEND_ROW = 18;

export interface ChartSize {
  width: number;
  height: number;
}

/** Plot rectangle in viewBox units: left, top, right, bottom. */
export interface PlotArea {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface AxisTick {
  /** Pixel position along the axis. */
  at: number;
  label: string;
}

export interface LegendItem {
  name: string;
  color: string;
  /** "line" draws a stroke sample, "box" a filled square. */
  mark: 'line' | 'box';
}

/** Rough text width for layout; SVG text is not measured without a browser. */
export function textWidth(text: string, fontSize = FONT_SIZE): number {
  return text.length * fontSize * 0.56;
}

/** Shortens text to fit `maxWidth`, ending in an ellipsis. */
export function fitText(text: string, maxWidth: number, fontSize = FONT_SIZE): string {
  const maxChars = Math.max(1, Math.floor(maxWidth / (fontSize * 0.56)));
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(1, maxChars - 1))}…`;
}

export function svgDocument(size: ChartSize, title: string, body: string): string {
  const label = escapeHtml(title);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${size.width} ${size.height}" ` +
    `role="img" aria-label="${label}" font-size="${FONT_SIZE}" fill="${INK.text}"><title>${label}</title>${body}</svg>`
  );
}

/** Lays out legend items left to right, wrapping rows within `maxWidth`. */
export function legendRows(items: readonly LegendItem[], maxWidth: number): LegendItem[][] {
  const rows: LegendItem[][] = [];
  let row: LegendItem[] = [];
  let used = 0;
  for (const item of items) {
    const w = legendItemWidth(item);
    if (row.length > 0 && used + w > maxWidth) {
      rows.push(row);
      row = [];
      used = 0;
    }
    row.push(item);
    used += w;
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

function legendItemWidth(item: LegendItem): number {
  return 22 + textWidth(item.name) + 18;
}

/** Legend rows drawn from (x, y), the top-left corner. */
export function legendSvg(rows: readonly LegendItem[][], x: number, y: number): string {
  let out = '';
  rows.forEach((row, r) => {
    let cx = x;
    const cy = y + r * LEGEND_ROW + LEGEND_ROW / 2;
    for (const item of row) {
      out +=
        item.mark === 'line'
          ? `<line x1="${px(cx)}" y1="${px(cy)}" x2="${px(cx + 16)}" y2="${px(cy)}" stroke="${item.color}" stroke-width="3"/>`
          : `<rect x="${px(cx + 2)}" y="${px(cy - 6)}" width="12" height="12" rx="2" fill="${item.color}"/>`;
      out += `<text x="${px(cx + 22)}" y="${px(cy)}" dominant-baseline="central">${escapeHtml(item.name)}</text>`;
      cx += legendItemWidth(item);
    }
  });
  return out;
}

export function legendHeight(rowCount: number): number {
  return rowCount === 0 ? 0 : rowCount * LEGEND_ROW + 6;
}

/** Horizontal room a y axis needs: its widest tick label, gaps, and the rotated axis title. */
export function axisMargin(labels: readonly string[]): number {
  const widest = labels.reduce((w, l) => Math.max(w, textWidth(l)), 0);
  return Math.ceil(widest + 34);
}

/**
 * Plot area inside the chart after room for the legend (top), y labels (left, and right when a
 * second axis is drawn; see axisMargin) and x labels (bottom).
 */
export function plotArea(size: ChartSize, legendRowCount: number, left = 72, right = 18): PlotArea {
  return { x0: left, y0: 10 + legendHeight(legendRowCount), x1: size.width - right, y1: size.height - 44 };
}

export function plotBackground(area: PlotArea): string {
  return `<rect class="plot" x="${px(area.x0)}" y="${px(area.y0)}" width="${px(area.x1 - area.x0)}" height="${px(area.y1 - area.y0)}" fill="#fcfcfd" stroke="${INK.grid}"/>`;
}

/** Horizontal gridlines at the given y pixels. */
export function horizontalGrid(ys: readonly number[], area: PlotArea): string {
  return ys
    .map(
      (y) =>
        `<line x1="${px(area.x0)}" y1="${px(y)}" x2="${px(area.x1)}" y2="${px(y)}" stroke="${INK.grid}"/>`,
    )
    .join('');
}

export function verticalGrid(xs: readonly number[], area: PlotArea): string {
  return xs
    .map(
      (x) =>
        `<line x1="${px(x)}" y1="${px(area.y0)}" x2="${px(x)}" y2="${px(area.y1)}" stroke="${INK.grid}"/>`,
    )
    .join('');
}

/** X axis: baseline, tick marks, tick labels and the axis title under them. */
export function bottomAxis(ticks: readonly AxisTick[], area: PlotArea, title: string): string {
  let out = `<line x1="${px(area.x0)}" y1="${px(area.y1)}" x2="${px(area.x1)}" y2="${px(area.y1)}" stroke="${INK.axis}"/>`;
  for (const t of ticks) {
    out += `<line x1="${px(t.at)}" y1="${px(area.y1)}" x2="${px(t.at)}" y2="${px(area.y1 + 4)}" stroke="${INK.axis}"/>`;
    // Labels at the plot's edges are nudged inwards so they stay inside the viewBox.
    const half = textWidth(t.label) / 2;
    const x = Math.min(Math.max(t.at, area.x0 - 24 + half), area.x1 + 16 - half);
    out += `<text x="${px(x)}" y="${px(area.y1 + 17)}" text-anchor="middle" fill="${INK.muted}">${escapeHtml(t.label)}</text>`;
  }
  const mid = (area.x0 + area.x1) / 2;
  return `${out}<text x="${px(mid)}" y="${px(area.y1 + 36)}" text-anchor="middle" font-weight="600">${escapeHtml(title)}</text>`;
}

/** Y axis on the left or right: tick labels and a rotated title, optionally in a series colour. */
export function sideAxis(
  ticks: readonly AxisTick[],
  area: PlotArea,
  title: string,
  side: 'left' | 'right',
  color: string = INK.text,
): string {
  const left = side === 'left';
  const labelX = left ? area.x0 - 8 : area.x1 + 8;
  const anchor = left ? 'end' : 'start';
  const labelFill = color === INK.text ? INK.muted : color;
  let out = '';
  for (const t of ticks) {
    out += `<text x="${px(labelX)}" y="${px(t.at)}" text-anchor="${anchor}" dominant-baseline="central" fill="${labelFill}">${escapeHtml(t.label)}</text>`;
  }
  const widest = ticks.reduce((w, t) => Math.max(w, textWidth(t.label)), 0);
  // Rotated text grows away from its baseline: leftwards at -90 degrees, rightwards at +90.
  const titleX = left ? area.x0 - widest - 16 : area.x1 + widest + 16;
  const mid = (area.y0 + area.y1) / 2;
  const rotate = left ? -90 : 90;
  const shown = fitText(title, area.y1 - area.y0);
  return `${out}<text x="${px(titleX)}" y="${px(mid)}" transform="rotate(${rotate} ${px(titleX)} ${px(mid)})" text-anchor="middle" font-weight="600" fill="${color}">${escapeHtml(shown)}</text>`;
}

/** Centred placeholder drawn over an empty plot area. */
export function noDataLabel(area: PlotArea, text = 'no data'): string {
  return `<text class="no-data" x="${px((area.x0 + area.x1) / 2)}" y="${px((area.y0 + area.y1) / 2)}" text-anchor="middle" dominant-baseline="central" fill="${INK.muted}" font-size="14">${escapeHtml(text)}</text>`;
}

/** An empty chart: plot frame, axis titles and "no data", so a section never collapses. */
export function emptyChart(size: ChartSize, title: string, xTitle: string, yTitle: string): string {
  const area = plotArea(size, 0, 40);
  return svgDocument(
    size,
    title,
    plotBackground(area) +
      bottomAxis([], area, xTitle) +
      sideAxis([], area, yTitle, 'left') +
      noDataLabel(area),
  );
}
