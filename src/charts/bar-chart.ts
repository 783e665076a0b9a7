/** Grouped bar charts over named categories (venues, symbols), with value labels on the bars. */
import { type Domain, finiteExtent, type LinearTicks, linearScale, niceTicks, px } from './chart-scale.js';
import type { TickFormat } from './line-chart.js';
import {
  axisMargin,
  type ChartSize,
  emptyChart,
  fitText,
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
  textWidth,
} from './svg-chart.js';
import { escapeHtml, formatCompact, formatShort } from './text-format.js';

export interface BarCategory {
  label: string;
  /** A second, muted line under the label (e.g. "fill rate 43.1%"). */
  sublabel?: string;
}

export interface BarSeries {
  name: string;
  /** One value per category; non-finite values draw no bar. */
  values: readonly number[];
  color?: string;
}

export interface BarChartSpec {
  title: string;
  yTitle: string;
  categories: readonly BarCategory[];
  series: readonly BarSeries[];
  /** Colour each bar by its sign (gains green, losses orange) instead of by series. */
  colorBySign?: boolean;
  formatValue?: (value: number) => string;
  formatY?: TickFormat;
  size?: ChartSize;
  /** Defaults to showing a legend when there is more than one series. */
  legend?: boolean;
}

const DEFAULT_SIZE: ChartSize = { width: 480, height: 300 };
const VALUE_FONT = 11;

export function renderBarChart(spec: BarChartSpec): string {
  const size = spec.size ?? DEFAULT_SIZE;
  const series = spec.series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length] }));
  const values = series.flatMap((s) => s.values.slice(0, spec.categories.length));
  const extent = finiteExtent(values);
  if (spec.categories.length === 0 || extent === undefined)
    return emptyChart(size, spec.title, '', spec.yTitle);

  const items: LegendItem[] = series.map((s) => ({ name: s.name, color: s.color, mark: 'box' }));
  const rows = (spec.legend ?? series.length > 1) ? legendRows(items, size.width - 90) : [];
  const hasSublabels = spec.categories.some((c) => c.sublabel);
  const area = plotArea(size, rows.length);
  if (!hasSublabels) area.y1 += 14;

  const yTicks = labelRoom(
    niceTicks([Math.min(0, extent[0]), Math.max(0, extent[1])], 5),
    extent,
    area.y1 - area.y0,
  );
  const fmtY = spec.formatY ?? formatCompact;
  const yLabels = yTicks.ticks.map((v) => fmtY(v, yTicks.step));
  area.x0 = axisMargin(yLabels);
  const sy = linearScale(yTicks.domain, [area.y1, area.y0]);
  const fmtValue = spec.formatValue ?? formatShort;

  const band = (area.x1 - area.x0) / spec.categories.length;
  const groupWidth = Math.min(band * 0.74, 56 * series.length);
  const barWidth = groupWidth / series.length;

  let body = plotBackground(area) + horizontalGrid(yTicks.ticks.map(sy), area);
  const zeroY = sy(0);
  spec.categories.forEach((category, c) => {
    const center = area.x0 + band * (c + 0.5);
    series.forEach((s, i) => {
      const v = s.values[c];
      if (!Number.isFinite(v)) return;
      const x = center - groupWidth / 2 + i * barWidth;
      body += bar(x, barWidth, zeroY, sy(v), barColor(s.color, v, spec.colorBySign === true));
      const label = fmtValue(v);
      if (textWidth(label, VALUE_FONT) <= barWidth + 10 || series.length === 1) {
        const ly = v >= 0 ? sy(v) - 5 : sy(v) + 13;
        body += `<text x="${px(x + barWidth / 2)}" y="${px(ly)}" text-anchor="middle" font-size="${VALUE_FONT}" fill="${INK.text}">${escapeHtml(label)}</text>`;
      }
    });
    body += categoryLabel(category, center, band, area.y1);
  });
  body += `<line x1="${px(area.x0)}" y1="${px(zeroY)}" x2="${px(area.x1)}" y2="${px(zeroY)}" stroke="${INK.axis}" stroke-width="1.5"/>`;
  body += sideAxis(
    yTicks.ticks.map((v, i) => ({ at: sy(v), label: yLabels[i] })),
    area,
    spec.yTitle,
    'left',
  );
  body += legendSvg(rows, area.x0, 6);
  return svgDocument(size, spec.title, body);
}

/** Adds a tick step above (below) the domain when the tallest bar leaves no room for its value label. */
function labelRoom(ticks: LinearTicks, [lo, hi]: Domain, plotHeight: number): LinearTicks {
  const perUnit = plotHeight / (ticks.domain[1] - ticks.domain[0]);
  const room = 18 / perUnit;
  let [bottom, top] = ticks.domain;
  const list = [...ticks.ticks];
  if (hi > 0 && top - hi < room) {
    top = roundStep(top + ticks.step, ticks.step);
    list.push(top);
  }
  if (lo < 0 && lo - bottom < room) {
    bottom = roundStep(bottom - ticks.step, ticks.step);
    list.unshift(bottom);
  }
  return { domain: [bottom, top], ticks: list, step: ticks.step };
}

function roundStep(value: number, step: number): number {
  return Math.round(value / step) * step;
}

function barColor(seriesColor: string, value: number, bySign: boolean): string {
  if (!bySign) return seriesColor;
  return value >= 0 ? INK.positive : INK.negative;
}

/** A bar from the zero line to the value; at least 1 unit tall so a zero still shows a mark. */
function bar(x: number, width: number, zeroY: number, valueY: number, color: string): string {
  const top = Math.min(zeroY, valueY);
  const height = Math.max(1, Math.abs(zeroY - valueY));
  const gap = width > 6 ? 1.5 : 0;
  return `<rect x="${px(x + gap / 2)}" y="${px(top)}" width="${px(width - gap)}" height="${px(height)}" rx="2" fill="${color}"/>`;
}

function categoryLabel(category: BarCategory, center: number, band: number, axisY: number): string {
  const label = escapeHtml(fitText(category.label, band - 4));
  let out = `<text x="${px(center)}" y="${px(axisY + 18)}" text-anchor="middle" font-weight="600">${label}</text>`;
  if (category.sublabel) {
    const sub = escapeHtml(fitText(category.sublabel, band - 4, VALUE_FONT));
    out += `<text x="${px(center)}" y="${px(axisY + 33)}" text-anchor="middle" font-size="${VALUE_FONT}" fill="${INK.muted}">${sub}</text>`;
  }
  return out;
}
