/**
 * report.html: one self-contained page (inline CSS and SVG; no scripts, fonts or network) that
 * shows a backtest at a glance. Deterministic: the same BacktestResult gives the same bytes, so
 * the page carries no timestamps or generated ids.
 */

import { escapeHtml, formatNumber } from '../../charts/text-format.js';
import type { BacktestResult } from '../backtest-result.js';
import {
  equitySection,
  fillsSection,
  latencySection,
  modelsSection,
  pnlSection,
  riskSection,
  routingSection,
} from './report-sections.js';
import { REPORT_CSS } from './report-style.js';
import { headlineCards } from './report-tables.js';

/** Forbids scripts and every remote load, so a crafted venue name cannot run or fetch anything. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function renderReportHtml(result: BacktestResult, title = 'Backtest report'): string {
  const { summary } = result;
  const venues = venueNames(result);
  const meta = [
    summary.data,
    `${formatNumber(summary.sim_seconds, 1)} s simulated`,
    `${formatNumber(summary.events)} events`,
    `router ${summary.router}`,
    `strategy ${summary.strategy}`,
  ]
    .map((m) => `<span>${escapeHtml(m)}</span>`)
    .join('');
  const sections = [
    equitySection(result),
    pnlSection(result, venues),
    latencySection(result, venues),
    fillsSection(result, venues),
    routingSection(result, venues),
    riskSection(result),
    modelsSection(result),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header><h1>${escapeHtml(title)}</h1><p class="meta">${meta}</p></header>
${headlineCards(summary)}
${sections.join('\n')}
<footer>hft-router backtest report · all charts are inline SVG; this file needs no network.</footer>
</main>
</body>
</html>
`;
}

/** Venues in first-seen order across the summary and every per-venue series. */
export function venueNames({ summary, series }: BacktestResult): string[] {
  const seen = new Set<string>();
  for (const record of [
    summary.by_venue,
    series.ack_us,
    series.predicted_us,
    series.routed,
    series.hindsight_best,
  ]) {
    for (const v of Object.keys(record)) seen.add(v);
  }
  return [...seen];
}
