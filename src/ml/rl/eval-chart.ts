/**
 * eval.svg of `hft eval routing`: one row per policy, its mean execution quality as a dot and its
 * 95% interval as a whisker on a shared bps axis, labelled with the mean and the share of orders
 * routed to the hindsight-best venue. Self-contained SVG (no scripts, no fonts to fetch).
 */
import { linearScale, niceTicks } from '../../charts/chart-scale.js';
import { escapeHtml } from '../../charts/text-format.js';
import type { PolicyKind, RoutingEvaluation } from './routing-eval.js';

const WIDTH = 760;
/** Trained policies in colour (DQN blue, PPO orange); the rest in greys and a muted green for the bounds. */
const KIND_COLOR: Partial<Record<PolicyKind, string>> = {
  fixed: '#8a8a8a',
  ablation: '#b0b0b0',
  bound: '#009e73',
};
const ROW = 34;
const LEFT = 150;
const RIGHT = 210;
const TOP = 48;
const BOTTOM = 40;

export function renderEvalChart(ev: RoutingEvaluation): string {
  const rows = ev.policies;
  const height = TOP + rows.length * ROW + BOTTOM;
  const lo = Math.min(...rows.map((p) => (Number.isFinite(p.bps.lo) ? p.bps.lo : p.bps.mean)));
  const hi = Math.max(...rows.map((p) => (Number.isFinite(p.bps.hi) ? p.bps.hi : p.bps.mean)));
  const axis = niceTicks([lo, hi], 6);
  const x = linearScale(axis.domain, [LEFT, WIDTH - RIGHT]);
  const parts: string[] = [];
  const title = `Execution quality, ${ev.episodes} held-out ${ev.episodeSeconds}-s episodes (${ev.ordersPerEpisode.toFixed(0)} orders each on average; bps per share vs arrival mid, 95% CI)`;
  parts.push(`<text x="12" y="22" font-size="14" font-weight="600">${escapeHtml(title)}</text>`);
  const axisY = TOP + rows.length * ROW;
  for (const t of axis.ticks) {
    const px = x(t).toFixed(1);
    parts.push(`<line x1="${px}" x2="${px}" y1="${TOP - 8}" y2="${axisY}" stroke="#e3e3e3"/>`);
    parts.push(
      `<text x="${px}" y="${axisY + 18}" text-anchor="middle" fill="#555">${fmt(t, axis.step)}</text>`,
    );
  }
  parts.push(
    `<text x="${(LEFT + WIDTH - RIGHT) / 2}" y="${height - 6}" text-anchor="middle" fill="#555">bps (higher is better)</text>`,
  );
  rows.forEach((p, i) => {
    const y = TOP + i * ROW + ROW / 2;
    const color = KIND_COLOR[p.kind] ?? (p.name === 'ppo' ? '#d55e00' : '#0072b2');
    const best = p.name === ev.bestFixed ? ' (best fixed)' : '';
    parts.push(
      `<text x="${LEFT - 10}" y="${y + 4}" text-anchor="end" font-weight="${p.kind === 'trained' ? 600 : 400}">${escapeHtml(p.name + best)}</text>`,
    );
    if (Number.isFinite(p.bps.lo))
      parts.push(
        `<line x1="${x(p.bps.lo).toFixed(1)}" x2="${x(p.bps.hi).toFixed(1)}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"/>`,
      );
    parts.push(`<circle cx="${x(p.bps.mean).toFixed(1)}" cy="${y}" r="5" fill="${color}"/>`);
    const note = `${p.bps.mean.toFixed(3)} ± ${p.bps.ci95.toFixed(3)} · hindsight ${p.hindsightPct.toFixed(1)}%`;
    parts.push(`<text x="${WIDTH - RIGHT + 10}" y="${y + 4}" fill="#333">${escapeHtml(note)}</text>`);
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" ` +
    `font-family="sans-serif" font-size="12" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>\n`
  );
}

function fmt(v: number, step: number): string {
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(digits);
}
