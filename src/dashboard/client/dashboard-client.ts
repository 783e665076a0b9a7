/// <reference lib="dom" />
/**
 * The live dashboard in the browser. Compiled with the daemon and inlined into `GET /` by
 * dashboard-page.ts: no CDN, no request but the WebSocket. It keeps two minutes of history and
 * draws its charts as SVG.
 */
import type { DashboardSnapshot, VenueSnapshot } from '../dashboard-snapshot.js';

const HISTORY_POINTS = 240;
const RECONNECT_MS = 1000;
const SVG_NS = 'http://www.w3.org/2000/svg';
const COLORS = { pnl: '#4ade80', rate: '#60a5fa', p50: '#60a5fa', p99: '#f97316', predicted: '#a78bfa' };
const VENUE_COLORS = ['#60a5fa', '#f472b6', '#facc15', '#34d399', '#fb923c', '#a78bfa', '#22d3ee'];

const history = { pnl: [] as number[], tickRate: [] as number[], p50: [] as number[], p99: [] as number[] };

function byId<T extends Element = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`dashboard: missing element #${id}`);
  return found as unknown as T;
}

function setText(id: string, text: string): void {
  byId(id).textContent = text;
}

function svgEl(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function htmlEl(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const usdFmt = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function fmtInt(n: number): string {
  return intFmt.format(n);
}

function fmtUsd(x: number): string {
  return `${x < 0 ? '-' : '+'}$${usdFmt.format(Math.abs(x))}`;
}

function fmtUs(us: number | null): string {
  if (us === null) return '–';
  if (us >= 1000) return `${(us / 1000).toFixed(us >= 10_000 ? 0 : 2)} ms`;
  return `${us.toFixed(us >= 100 ? 0 : 1)} µs`;
}

function fmtPct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

function push(series: number[], value: number): void {
  series.push(value);
  if (series.length > HISTORY_POINTS) series.shift();
}

interface Series {
  values: number[];
  color: string;
  label: string;
}

/** A line chart of the last HISTORY_POINTS values, right-aligned, with a zero-based or fitted scale. */
function lineChart(svg: SVGSVGElement, series: Series[], format: (v: number) => string): void {
  const w = 440;
  const h = 190;
  const left = 70;
  const top = 10;
  const bottom = h - 20;
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.replaceChildren();
  const values = series.flatMap((s) => s.values).filter(Number.isFinite);
  let lo = Math.min(0, ...values);
  let hi = Math.max(0, ...values);
  if (hi - lo < 1e-9) hi = lo + 1;
  const pad = (hi - lo) * 0.08;
  lo = lo < 0 ? lo - pad : lo;
  hi += pad;
  const x = (i: number, n: number) => w - 8 - (n - 1 - i) * ((w - left - 8) / (HISTORY_POINTS - 1));
  const y = (v: number) => bottom - ((v - lo) / (hi - lo)) * (bottom - top);
  for (let k = 0; k <= 3; k++) {
    const v = lo + ((hi - lo) * k) / 3;
    svg.append(svgEl('line', { x1: left, x2: w - 8, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(svgEl('text', { x: left - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, format(v)));
  }
  if (lo < 0) svg.append(svgEl('line', { x1: left, x2: w - 8, y1: y(0), y2: y(0), class: 'zero' }));
  series.forEach((s, k) => {
    const n = s.values.length;
    if (n > 1) {
      const d = s.values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i, n).toFixed(1)},${y(v).toFixed(1)}`);
      svg.append(svgEl('path', { d: d.join(''), stroke: s.color, class: 'line' }));
    }
    svg.append(svgEl('text', { x: left + 8 + k * 90, y: h - 4, fill: s.color, class: 'legend' }, s.label));
  });
}

/** Predicted p50 (forecast the router reads) beside measured p50 (order->ack in the window), per venue. */
function venueLatencyChart(svg: SVGSVGElement, venues: VenueSnapshot[]): void {
  const w = 640;
  const h = 190;
  const bottom = h - 34;
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.replaceChildren();
  const all = venues.flatMap((v) => [v.forecast_p50_us ?? 0, v.measured_p50_us ?? 0]);
  const hi = Math.max(1, ...all) * 1.2;
  const group = (w - 40) / Math.max(1, venues.length);
  const bar = Math.min(56, group / 3);
  venues.forEach((v, i) => {
    const cx = 20 + group * (i + 0.5);
    const bars: [number | null, string, number][] = [
      [v.forecast_p50_us, COLORS.predicted, cx - bar - 2],
      [v.measured_p50_us, COLORS.p99, cx + 2],
    ];
    for (const [value, color, bx] of bars) {
      const bh = ((value ?? 0) / hi) * (bottom - 12);
      svg.append(svgEl('rect', { x: bx, y: bottom - bh, width: bar, height: bh, fill: color, rx: 2 }));
      svg.append(
        svgEl(
          'text',
          { x: bx + bar / 2, y: bottom - bh - 4, class: 'value', 'text-anchor': 'middle' },
          fmtUs(value),
        ),
      );
    }
    svg.append(svgEl('text', { x: cx, y: bottom + 16, class: 'axis', 'text-anchor': 'middle' }, v.name));
  });
  svg.append(svgEl('text', { x: 20, y: h - 2, fill: COLORS.predicted, class: 'legend' }, 'predicted p50'));
  svg.append(
    svgEl('text', { x: 150, y: h - 2, fill: COLORS.p99, class: 'legend' }, 'measured p50 (order→ack)'),
  );
}

function renderRouting(venues: VenueSnapshot[]): void {
  const bar = byId('routing-bar');
  const legend = byId('routing-legend');
  bar.replaceChildren();
  legend.replaceChildren();
  venues.forEach((v, i) => {
    const color = VENUE_COLORS[i % VENUE_COLORS.length];
    const seg = htmlEl('div', 'seg');
    seg.style.width = fmtPct(v.routed_share);
    seg.style.background = color;
    seg.title = `${v.name}: ${fmtPct(v.routed_share)}`;
    bar.append(seg);
    const item = htmlEl('span', 'legend-item', `${v.name} ${fmtPct(v.routed_share)} (${fmtInt(v.routed)})`);
    item.style.setProperty('--dot', color);
    legend.append(item);
  });
}

function renderVenueTable(venues: VenueSnapshot[]): void {
  const rows = venues.map((v) => {
    const tr = document.createElement('tr');
    const breaker = v.outage ? 'outage' : v.latency_spike ? 'latency spike' : 'ok';
    const cells = [
      v.name,
      fmtUs(v.forecast_p50_us),
      fmtUs(v.forecast_p99_us),
      fmtUs(v.measured_p50_us),
      fmtUs(v.forecast_error_us),
      fmtPct(v.fill_ratio),
      breaker,
    ];
    cells.forEach((text, i) => {
      const td = htmlEl('td', i === cells.length - 1 ? (breaker === 'ok' ? 'ok' : 'bad') : '', text);
      tr.append(td);
    });
    return tr;
  });
  byId('venue-rows').replaceChildren(...rows);
}

function renderRisk(risk: DashboardSnapshot['risk']): void {
  const rows = risk.map((r) => {
    const row = htmlEl('div', 'risk-row');
    const fill = htmlEl('div', `risk-fill ${r.ratio >= 0.9 ? 'bad' : r.ratio >= 0.6 ? 'warn' : 'ok'}`);
    fill.style.width = fmtPct(Math.min(1, r.ratio));
    const track = htmlEl('div', 'risk-track');
    track.append(fill);
    row.append(htmlEl('span', 'risk-name', r.limit), track, htmlEl('span', 'risk-pct', fmtPct(r.ratio)));
    return row;
  });
  byId('risk').replaceChildren(...rows);
}

function chip(text: string, good: boolean, title = ''): HTMLElement {
  const c = htmlEl('span', `chip ${good ? 'ok' : 'bad'}`, text);
  if (title) c.title = title;
  return c;
}

function renderBreakers(s: DashboardSnapshot): void {
  const chips = Object.entries(s.breakers).map(([name, open]) =>
    chip(`${name}: ${open ? 'OPEN' : 'closed'}`, !open),
  );
  for (const v of s.venues) {
    chips.push(chip(`${v.name} latency: ${v.latency_spike ? 'OPEN' : 'closed'}`, !v.latency_spike));
    chips.push(chip(`${v.name} outage: ${v.outage ? 'OPEN' : 'closed'}`, !v.outage));
  }
  byId('breakers').replaceChildren(...chips);
  const workers = s.workers.map((w) =>
    chip(`${w.name} ${w.alive ? `${w.heartbeat_age_ms} ms` : 'down'}`, w.alive),
  );
  byId('workers').replaceChildren(...workers);
  byId('problems').replaceChildren(...s.problems.map((p) => htmlEl('li', '', p)));
}

function render(s: DashboardSnapshot): void {
  push(history.pnl, s.pnl.total);
  push(history.tickRate, s.ticks.per_sec);
  push(history.p50, s.tick_to_order_us.p50);
  push(history.p99, s.tick_to_order_us.p99);
  const state = byId('state');
  state.textContent = `${s.status} · ${s.trading_state}`;
  state.className = `chip ${s.status === 'ok' && s.trading_state === 'active' ? 'ok' : 'bad'}`;
  setText('uptime', `up ${s.uptime_s.toFixed(0)} s`);
  const total = byId('pnl-total');
  total.textContent = fmtUsd(s.pnl.total);
  total.className = `big ${s.pnl.total < 0 ? 'neg' : 'pos'}`;
  setText(
    'pnl-parts',
    `realized ${fmtUsd(s.pnl.realized)} · unrealized ${fmtUsd(s.pnl.unrealized)} · fees $${usdFmt.format(s.pnl.fees)}`,
  );
  setText('tick-rate', `${fmtInt(s.ticks.per_sec)} /s`);
  setText('ticks-total', `${fmtInt(s.ticks.total)} ticks · ${fmtInt(s.ticks.dropped)} dropped`);
  setText('order-rate', `${fmtInt(s.orders.per_sec)} /s`);
  setText(
    'orders-total',
    `${fmtInt(s.orders.sent)} sent · ${fmtInt(s.orders.filled)} filled (${fmtPct(s.orders.fill_rate)})`,
  );
  const t = s.tick_to_order_us;
  setText('t2o-p50', fmtUs(t.p50));
  setText(
    't2o-tail',
    `p95 ${fmtUs(t.p95)} · p99 ${fmtUs(t.p99)} · p99.9 ${fmtUs(t.p999)} (${fmtInt(t.count)} in ${s.window_s.toFixed(1)} s)`,
  );
  lineChart(
    byId<SVGSVGElement>('chart-pnl'),
    [{ values: history.pnl, color: COLORS.pnl, label: 'total P&L' }],
    (v) => fmtUsd(v),
  );
  lineChart(
    byId<SVGSVGElement>('chart-rate'),
    [{ values: history.tickRate, color: COLORS.rate, label: 'ticks/s' }],
    fmtInt,
  );
  lineChart(
    byId<SVGSVGElement>('chart-t2o'),
    [
      { values: history.p50, color: COLORS.p50, label: 'p50' },
      { values: history.p99, color: COLORS.p99, label: 'p99' },
    ],
    (v) => fmtUs(v),
  );
  venueLatencyChart(byId<SVGSVGElement>('chart-venues'), s.venues);
  renderRouting(s.venues);
  renderVenueTable(s.venues);
  renderRisk(s.risk);
  renderBreakers(s);
  document.body.dataset.snapshots = String(Number(document.body.dataset.snapshots ?? '0') + 1);
}

function setConnection(text: string, good: boolean): void {
  const c = byId('connection');
  c.textContent = text;
  c.className = `chip ${good ? 'ok' : 'bad'}`;
}

function connect(): void {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  ws.onopen = () => setConnection('live', true);
  ws.onmessage = (ev: MessageEvent<string>) => {
    const msg = JSON.parse(ev.data) as { type: string };
    if (msg.type === 'snapshot') render(msg as DashboardSnapshot);
  };
  ws.onclose = () => {
    setConnection('disconnected, retrying', false);
    setTimeout(connect, RECONNECT_MS);
  };
}

connect();
