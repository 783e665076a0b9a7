/** The report's text parts: headline cards and tables (per venue, per symbol, orders, models). */

import {
  escapeHtml,
  formatMicros,
  formatNumber,
  formatPercent,
  formatShort,
  formatUsd,
} from '../../charts/text-format.js';
import type { BacktestSeries, BacktestSummary, Quantiles } from '../backtest-result.js';
import { describeAgreement } from '../decision-comparison.js';

interface Card {
  label: string;
  value: string;
  sub?: string;
  tone?: 'pos' | 'neg';
  primary?: boolean;
}

export function headlineCards(s: BacktestSummary): string {
  const cards: Card[] = [
    {
      label: 'Total P&L',
      value: formatUsd(s.pnl.total),
      sub: 'realized + unrealized − fees',
      tone: tone(s.pnl.total),
      primary: true,
    },
    { label: 'Realized P&L', value: formatUsd(s.pnl.realized), tone: tone(s.pnl.realized) },
    {
      label: 'Unrealized P&L',
      value: formatUsd(s.pnl.unrealized),
      sub: 'marked to final mid',
      tone: tone(s.pnl.unrealized),
    },
    { label: 'Fees', value: formatUsd(s.pnl.fees, false) },
    { label: 'Max drawdown', value: formatUsd(s.max_drawdown, false), sub: 'below peak P&L' },
    {
      label: 'Orders sent / filled',
      value: `${formatNumber(s.orders.sent)} / ${formatNumber(s.orders.filled)}`,
      sub: `${formatNumber(s.orders.acked)} acked`,
    },
    { label: 'Fill rate', value: formatPercent(s.fill_rate), sub: 'orders filled / orders sent' },
    { label: 'Traded notional', value: formatUsdShort(s.filled_notional), sub: 'fill quantity × price' },
    {
      label: 'Routing match rate',
      value: formatPercent(s.routing.match_rate),
      sub: `${formatNumber(s.routing.matched_hindsight)} of ${formatNumber(s.routing.decisions)} on the hindsight-best venue`,
    },
    {
      label: 'Routing regret',
      value: `${formatNumber(s.routing.regret_bps, 2)} bps`,
      sub: 'mean cost vs hindsight-best',
    },
    {
      label: 'Risk rejections',
      value: formatNumber(s.orders.rejected_risk),
      sub: `${formatNumber(s.risk.breaker_trips)} breaker ${s.risk.breaker_trips === 1 ? 'trip' : 'trips'}`,
    },
  ];
  return `<div class="cards">${cards.map(cardHtml).join('')}</div>`;
}

function cardHtml(c: Card): string {
  const cls = c.primary ? 'card primary' : 'card';
  const valueCls = c.tone ? `value ${c.tone}` : 'value';
  const sub = c.sub ? `<div class="sub">${escapeHtml(c.sub)}</div>` : '';
  return `<div class="${cls}"><div class="label">${escapeHtml(c.label)}</div><div class="${valueCls}">${escapeHtml(c.value)}</div>${sub}</div>`;
}

function formatUsdShort(value: number): string {
  return Number.isFinite(value) ? `${value < 0 ? '−' : ''}$${formatShort(Math.abs(value))}` : '–';
}

function tone(value: number): 'pos' | 'neg' | undefined {
  if (!Number.isFinite(value) || Math.abs(value) < 0.005) return undefined;
  return value > 0 ? 'pos' : 'neg';
}

/** A table whose cells are already-escaped HTML; a `tone` wraps a cell in a coloured span. */
export function tableHtml(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  className = '',
): string {
  const head =
    headers.length > 0
      ? `<thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`
      : '';
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  const cls = className ? ` class="${className}"` : '';
  return `<div class="table-wrap"><table${cls}>${head}<tbody>${body}</tbody></table></div>`;
}

function usdCell(value: number): string {
  const t = tone(value);
  const text = escapeHtml(formatUsd(value));
  return t ? `<span class="${t}">${text}</span>` : text;
}

function qty(value: number): string {
  return formatNumber(value, Number.isInteger(value) ? 0 : 4);
}

function quantile(q: Quantiles | undefined, key: 'p50' | 'p99'): string {
  return q && q.count > 0 ? formatMicros(q[key]) : '–';
}

export function venueTable(s: BacktestSummary, venues: readonly string[]): string {
  const rows = venues.map((v) => {
    const o = s.by_venue[v];
    if (!o) return [escapeHtml(v), ...new Array<string>(12).fill('–')];
    return [
      escapeHtml(v),
      formatNumber(o.sent),
      formatNumber(o.filled),
      formatPercent(o.fill_rate),
      qty(o.filled_qty),
      escapeHtml(formatUsdShort(o.filled_notional)),
      escapeHtml(formatUsd(o.fees, false)),
      usdCell(o.pnl),
      quantile(o.ack_us, 'p50'),
      quantile(o.ack_us, 'p99'),
      quantile(o.predicted_us, 'p50'),
      quantile(o.predicted_us, 'p99'),
      formatNumber(o.hindsight_best),
    ];
  });
  const headers = ['Venue', 'Sent', 'Filled', 'Fill rate', 'Qty', 'Notional', 'Fees', 'P&L'];
  headers.push('Ack p50', 'Ack p99', 'Pred. p50', 'Pred. p99', 'Best in hindsight');
  return tableHtml(headers, rows);
}

export function routingSummaryTable(s: BacktestSummary): string {
  const r = s.routing;
  const rows: [string, string][] = [
    ['Router', escapeHtml(s.router)],
    ['IOC decisions with a known hindsight-best venue', formatNumber(r.decisions)],
    ['Routed to the hindsight-best venue', formatNumber(r.matched_hindsight)],
    ['Match rate', formatPercent(r.match_rate)],
    ['Regret (mean extra cost vs hindsight-best)', `${formatNumber(r.regret_bps, 2)} bps`],
  ];
  return tableHtml(
    [],
    rows.map(([k, v]) => [escapeHtml(k), v]),
    'kv',
  );
}

export function routingTable(series: BacktestSeries, venues: readonly string[]): string {
  const total = (counts: Record<string, number>) => venues.reduce((sum, v) => sum + (counts[v] ?? 0), 0);
  const routedTotal = total(series.routed);
  const bestTotal = total(series.hindsight_best);
  const share = (n: number, of: number) => (of > 0 ? formatPercent(n / of) : '–');
  const rows = venues.map((v) => {
    const routed = series.routed[v] ?? 0;
    const best = series.hindsight_best[v] ?? 0;
    return [
      escapeHtml(v),
      formatNumber(routed),
      share(routed, routedTotal),
      formatNumber(best),
      share(best, bestTotal),
    ];
  });
  return tableHtml(['Venue', 'Routed', 'Share', 'Best in hindsight', 'Share'], rows);
}

export function symbolTable(s: BacktestSummary): string {
  const rows = Object.entries(s.by_symbol).map(([symbol, o]) => [
    escapeHtml(symbol),
    usdCell(o.pnl),
    qty(o.position),
    qty(o.filled_qty),
  ]);
  return tableHtml(['Symbol', 'P&L', 'Final position', 'Filled qty'], rows);
}

export function ordersTable(s: BacktestSummary): string {
  const o = s.orders;
  const cells = [o.sent, o.acked, o.filled, o.rejected_risk, o.rejected_venue, o.expired, o.cancelled];
  return tableHtml(
    ['Sent', 'Acked', 'Filled', 'Rejected (risk)', 'Rejected (venue)', 'Expired', 'Cancelled'],
    [cells.map((c) => formatNumber(c))],
  );
}

export function modelsTable(s: BacktestSummary): string {
  const rows: [string, string][] = [
    ['Data', s.data],
    ['Simulated time', `${formatNumber(s.sim_seconds, 1)} s`],
    ['Events replayed', formatNumber(s.events)],
    ['Order latency model', s.models.order_latency],
    ['Latency multiplier', `× ${formatNumber(s.models.latency_multiplier, 2)}`],
    ['Decision latency', s.models.decision_latency],
    ['Queue model', s.models.queue],
    ['Feed latency', s.models.feed_latency],
    ['Latency forecast', s.models.latency_forecast],
    ...(s.models.policy === undefined ? [] : [['Routing policy', s.models.policy] as [string, string]]),
    ...(s.models.policy_inputs === undefined
      ? []
      : [['Policy inputs', s.models.policy_inputs] as [string, string]]),
    ...(s.decisions === undefined
      ? []
      : [['Decisions vs live', describeAgreement(s.decisions)] as [string, string]]),
    ['Router', s.router],
    ['Strategy', s.strategy],
  ];
  return tableHtml(
    [],
    rows.map(([k, v]) => [escapeHtml(k), escapeHtml(v)]),
    'kv',
  );
}
