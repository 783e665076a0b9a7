/** The report's chart sections, each a <section> with a heading, a one-line reading guide and its figures. */

import { renderBarChart } from '../../charts/bar-chart.js';
import { renderDistributionChart } from '../../charts/distribution-chart.js';
import { renderLineChart } from '../../charts/line-chart.js';
import { INK, PALETTE } from '../../charts/svg-chart.js';
import {
  escapeHtml,
  formatCompact,
  formatMicros,
  formatNumber,
  formatShort,
  formatUsd,
} from '../../charts/text-format.js';
import type { BacktestResult, Quantiles } from '../backtest-result.js';
import {
  modelsTable,
  ordersTable,
  routingSummaryTable,
  routingTable,
  symbolTable,
  venueTable,
} from './report-tables.js';

const REALISED = PALETTE[0];
const PREDICTED = PALETTE[1];
const WIDE = { width: 960, height: 300 };
const HALF = { width: 560, height: 300 };

export function section(id: string, title: string, note: string, content: string): string {
  return `<section id="${escapeHtml(id)}"><h2>${escapeHtml(title)}</h2><p class="note">${escapeHtml(note)}</p>${content}</section>`;
}

function figure(caption: string, svg: string, detail = ''): string {
  const small = detail ? ` <small>${escapeHtml(detail)}</small>` : '';
  return `<figure><figcaption>${escapeHtml(caption)}${small}</figcaption>${svg}</figure>`;
}

const usdTick = (v: number, step: number) =>
  v < 0 ? `−$${formatCompact(-v, step)}` : `$${formatCompact(v, step)}`;
const usdLabel = (v: number) =>
  Math.abs(v) >= 1e4 ? `${v < 0 ? '−' : ''}$${formatShort(Math.abs(v))}` : formatUsd(v, false);

export function equitySection({ series }: BacktestResult): string {
  const equity = renderLineChart({
    title: 'Equity curve: total P&L over time',
    xTitle: 'simulated time (s)',
    yTitle: 'total P&L (USD)',
    series: [{ name: 'total P&L', x: series.t, y: series.pnl, color: PALETTE[0], area: true }],
    formatY: usdTick,
    size: WIDE,
  });
  const underwater = series.drawdown.map((d) => -Math.abs(d));
  const drawdown = renderLineChart({
    title: 'Drawdown below peak P&L over time',
    xTitle: 'simulated time (s)',
    yTitle: 'drawdown (USD)',
    series: [{ name: 'drawdown', x: series.t, y: underwater, color: INK.negative, area: true }],
    formatY: usdTick,
    size: { width: 960, height: 200 },
  });
  return section(
    'equity',
    'Equity and drawdown',
    'Total P&L (realized + unrealized − fees) through the replay, and how far it sat below its running peak.',
    figure('Equity curve', equity, 'USD') + figure('Drawdown', drawdown, 'USD below peak'),
  );
}

export function pnlSection({ summary }: BacktestResult, venues: readonly string[]): string {
  const symbols = Object.keys(summary.by_symbol);
  const bySymbol = renderBarChart({
    title: 'P&L by symbol',
    yTitle: 'P&L (USD)',
    categories: symbols.map((s) => ({ label: s })),
    series: [{ name: 'P&L', values: symbols.map((s) => summary.by_symbol[s].pnl) }],
    colorBySign: true,
    formatY: usdTick,
    formatValue: usdLabel,
    size: HALF,
  });
  const byVenue = renderBarChart({
    title: 'P&L by venue',
    yTitle: 'P&L (USD)',
    categories: venues.map((v) => ({ label: v })),
    series: [{ name: 'P&L', values: venues.map((v) => summary.by_venue[v]?.pnl ?? Number.NaN) }],
    colorBySign: true,
    formatY: usdTick,
    formatValue: usdLabel,
    size: HALF,
  });
  return section(
    'pnl',
    'P&L by symbol and venue',
    'Per venue: cash from its fills plus inventory marked to the final cross-venue mid, minus its fees.',
    `<div class="grid">${figure('By symbol', bySymbol, 'USD')}${figure('By venue', byVenue, 'USD')}</div>${symbolTable(summary)}`,
  );
}

function quantileText(label: string, q: Quantiles | undefined): string {
  return q && q.count > 0 ? `${label} · p50 ${formatMicros(q.p50)} · p99 ${formatMicros(q.p99)}` : label;
}

export function latencySection({ summary, series }: BacktestResult, venues: readonly string[]): string {
  const charts = venues.map((v) => {
    const outcome = summary.by_venue[v];
    const realised = series.ack_us[v] ?? [];
    const predicted = series.predicted_us[v] ?? [];
    const svg = renderDistributionChart({
      title: `${v}: order to ack latency, predicted vs realised`,
      xTitle: 'order → ack round trip (log scale)',
      yTitle: '% of orders',
      series: [
        { name: quantileText('realised', outcome?.ack_us), values: realised, color: REALISED },
        { name: quantileText('predicted', outcome?.predicted_us), values: predicted, color: PREDICTED },
      ],
      formatX: formatMicros,
      size: { width: 380, height: 280 },
    });
    return figure(v, svg, `${formatNumber(realised.length)} ${realised.length === 1 ? 'ack' : 'acks'}`);
  });
  const content = charts.length > 0 ? `<div class="grid three">${charts.join('')}</div>` : noVenues();
  return section(
    'latency',
    'Latency per venue: predicted vs realised',
    "Order → ack round trips the latency model produced (blue) against the predict stage's p50 forecast when the order was routed (orange). Dashed lines: medians.",
    content,
  );
}

function noVenues(): string {
  const svg = renderDistributionChart({
    title: 'No latency samples',
    xTitle: 'order → ack round trip (log scale)',
    yTitle: '% of orders',
    series: [],
    size: { width: 960, height: 240 },
  });
  return figure('No venues', svg);
}

export function fillsSection({ summary }: BacktestResult, venues: readonly string[]): string {
  const outcome = (v: string) => summary.by_venue[v];
  const counts = renderBarChart({
    title: 'Orders sent and filled by venue',
    yTitle: 'orders',
    categories: venues.map((v) => ({ label: v })),
    series: [
      { name: 'sent', values: venues.map((v) => outcome(v)?.sent ?? Number.NaN), color: '#94a3b8' },
      { name: 'filled', values: venues.map((v) => outcome(v)?.filled ?? Number.NaN), color: PALETTE[2] },
    ],
    formatValue: (v) => formatNumber(v),
    size: HALF,
  });
  const rates = renderBarChart({
    title: 'Fill rate by venue',
    yTitle: 'fill rate (%)',
    categories: venues.map((v) => ({ label: v })),
    series: [
      {
        name: 'fill rate',
        values: venues.map((v) => (outcome(v)?.fill_rate ?? Number.NaN) * 100),
        color: PALETTE[2],
      },
    ],
    formatValue: (v) => `${formatNumber(v, 1)}%`,
    size: HALF,
  });
  return section(
    'fills',
    'Fills and fill rate by venue',
    'Orders sent to each venue, how many were filled, and the resulting fill rate.',
    `<div class="grid">${figure('Sent vs filled', counts, 'orders')}${figure('Fill rate', rates, '% of orders sent')}</div>` +
      ordersTable(summary) +
      venueTable(summary, venues),
  );
}

export function routingSection({ summary, series }: BacktestResult, venues: readonly string[]): string {
  const chart = renderBarChart({
    title: 'Orders routed to each venue vs orders for which it was best in hindsight',
    yTitle: 'orders',
    categories: venues.map((v) => ({ label: v })),
    series: [
      { name: 'routed by the router', values: venues.map((v) => series.routed[v] ?? 0), color: PALETTE[0] },
      {
        name: 'best in hindsight',
        values: venues.map((v) => series.hindsight_best[v] ?? 0),
        color: PALETTE[3],
      },
    ],
    formatValue: (v) => formatNumber(v),
    size: HALF,
  });
  const tables = routingSummaryTable(summary) + routingTable(series, venues);
  return section(
    'routing',
    `Routing decisions vs the hindsight-best venue (${summary.router})`,
    'Where the router sent IOC orders against the venue that would have been cheapest with hindsight. Regret: mean extra cost of the chosen venue, basis points.',
    `<div class="grid">${figure('Routed vs hindsight-best', chart, 'orders')}<figure><figcaption>Routing summary</figcaption>${tables}</figure></div>`,
  );
}

export function modelsSection({ summary }: BacktestResult): string {
  return section(
    'models',
    'Models used',
    'What this backtest assumed: the latency and queue models that decide its realism, the router and the strategy.',
    modelsTable(summary),
  );
}

export function riskSection({ summary, series }: BacktestResult): string {
  const chart = renderLineChart({
    title: 'Orders sent and risk rejections per interval',
    xTitle: 'simulated time (s)',
    yTitle: 'orders sent per interval',
    yRightTitle: 'risk rejections per interval',
    series: [
      { name: 'orders sent (left axis)', x: series.t, y: series.orders_sent, color: '#64748b', area: true },
      {
        name: 'risk rejections (right axis)',
        x: series.t,
        y: series.risk_rejections,
        color: INK.negative,
        axis: 'right',
      },
    ],
    size: WIDE,
  });
  const reasons = Object.entries(summary.risk.rejections);
  const reasonText =
    reasons.length === 0
      ? '<span>No rejections</span>'
      : reasons
          .map(([k, n]) => `<span>Rejected by ${escapeHtml(k)} <b>${formatNumber(n)}</b></span>`)
          .join('');
  const stats =
    `<div class="stats"><span>Checks <b>${formatNumber(summary.risk.checks)}</b></span>` +
    `<span>Breaker trips <b>${formatNumber(summary.risk.breaker_trips)}</b></span>${reasonText}</div>`;
  return section(
    'risk',
    'Risk rejections over time',
    'Orders sent (grey, left axis) and orders the risk stage rejected (orange, right axis) in each interval.',
    stats + figure('Risk rejections', chart, 'per interval'),
  );
}
