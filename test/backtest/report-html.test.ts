/**
 * report.html: structure, escaping and degenerate data as strings; then the real thing in headless
 * Chromium (no console errors, every chart drawn), screenshotted for a human to look at.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BacktestResult, Quantiles, VenueOutcome } from '../../src/backtest/backtest-result.js';
import { renderReportHtml } from '../../src/backtest/report/report-html.js';
import { renderBarChart } from '../../src/charts/bar-chart.js';
import { logTicks, niceTicks } from '../../src/charts/chart-scale.js';
import { renderDistributionChart } from '../../src/charts/distribution-chart.js';
import { renderLineChart } from '../../src/charts/line-chart.js';

const CHROMIUM = '/usr/bin/chromium';
const SECTIONS = ['equity', 'pnl', 'latency', 'fills', 'routing', 'risk', 'models'];

/** Small deterministic PRNG (mulberry32) so the fixture is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function quantiles(values: readonly number[]): Quantiles {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => (s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(p * s.length))]);
  return { count: s.length, p50: q(0.5), p90: q(0.9), p99: q(0.99) };
}

interface VenueShape {
  name: string;
  medianUs: number;
  sigma: number;
  spikeRate: number;
  orders: number;
  fillRate: number;
  /** Share of the total P&L made on this venue. */
  pnl: number;
}

/** Three venues shaped like config/balanced.yaml's: fast-but-spiky, slow-and-steady, cheap-and-loaded. */
function fixture(
  venueNames = ['NYSE-SIM', 'NASDAQ-SIM', 'BATS-SIM'],
  symbols = ['AAPL', 'MSFT', 'GOOGL'],
): BacktestResult {
  const rand = rng(42);
  const shapes: VenueShape[] = [
    {
      name: venueNames[0],
      medianUs: 260,
      sigma: 0.25,
      spikeRate: 0.06,
      orders: 420,
      fillRate: 0.62,
      pnl: 0.8,
    },
    {
      name: venueNames[1],
      medianUs: 900,
      sigma: 0.08,
      spikeRate: 0.0,
      orders: 310,
      fillRate: 0.71,
      pnl: 0.45,
    },
    {
      name: venueNames[2],
      medianUs: 520,
      sigma: 0.35,
      spikeRate: 0.02,
      orders: 270,
      fillRate: 0.44,
      pnl: -0.25,
    },
  ];
  const points = 500;
  const t: number[] = [];
  const pnl: number[] = [];
  const drawdown: number[] = [];
  const ordersSent: number[] = [];
  const riskRejections: number[] = [];
  let equity = 0;
  let peak = 0;
  for (let i = 0; i < points; i++) {
    t.push(Math.round(i * 0.06 * 1000) / 1000);
    equity += 2.5 + gaussian(rand) * 18 - (i > 220 && i < 300 ? 6 : 0);
    peak = Math.max(peak, equity);
    pnl.push(Math.round(equity * 100) / 100);
    drawdown.push(Math.round((peak - equity) * 100) / 100);
    ordersSent.push(Math.max(0, Math.round(2 + rand() * 2 + (i > 240 && i < 280 ? 3 : 0))));
    riskRejections.push(
      i > 250 && i < 275 && rand() < 0.5 ? 1 + Math.floor(rand() * 3) : rand() < 0.02 ? 1 : 0,
    );
  }
  const ackUs: Record<string, number[]> = {};
  const predictedUs: Record<string, number[]> = {};
  const byVenue: Record<string, VenueOutcome> = {};
  const routed: Record<string, number> = {};
  const hindsight: Record<string, number> = {};
  for (const v of shapes) {
    const acks: number[] = [];
    const predicted: number[] = [];
    for (let i = 0; i < v.orders; i++) {
      const spike = rand() < v.spikeRate ? 4 + rand() * 12 : 1;
      acks.push(Math.round(v.medianUs * Math.exp(v.sigma * gaussian(rand)) * spike));
      predicted.push(Math.round(v.medianUs * 1.05 * Math.exp(0.1 * gaussian(rand))));
    }
    ackUs[v.name] = acks;
    predictedUs[v.name] = predicted;
    const filled = Math.round(v.orders * v.fillRate);
    routed[v.name] = v.orders;
    hindsight[v.name] = Math.round(v.orders * (v.fillRate + 0.2));
    byVenue[v.name] = {
      sent: v.orders,
      filled,
      fill_rate: filled / v.orders,
      filled_qty: filled * 100,
      filled_notional: filled * 100 * 187.3,
      fees: Math.round(filled * 0.35 * 100) / 100,
      pnl: 0,
      ack_us: quantiles(acks),
      predicted_us: quantiles(predicted),
      hindsight_best: hindsight[v.name],
    };
  }
  const sent = shapes.reduce((s, v) => s + v.orders, 0);
  const filled = Object.values(byVenue).reduce((s, v) => s + v.filled, 0);
  const fees = Object.values(byVenue).reduce((s, v) => s + v.fees, 0);
  const total = pnl[pnl.length - 1];
  for (const v of shapes) byVenue[v.name].pnl = Math.round(total * v.pnl * 100) / 100;
  const bySymbol: BacktestResult['summary']['by_symbol'] = {};
  symbols.forEach((sym, i) => {
    bySymbol[sym] = {
      pnl: [total * 0.7, total * 0.45, -total * 0.15][i % 3],
      position: [300, -100, 0][i % 3],
      filled_qty: 20_000 + i * 7_500,
    };
  });
  const rejections = riskRejections.reduce((s, n) => s + n, 0);
  return {
    summary: {
      data: 'recordings/2024-05-01-balanced.hftrec',
      sim_seconds: 30,
      events: 1_284_330,
      models: {
        order_latency: 'interpolated',
        latency_multiplier: 1,
        decision_latency: 'recorded',
        queue: 'risk-averse',
        feed_latency: 'recorded',
        latency_forecast: 'ONNX latency/model.onnx',
        policy: 'dqn',
      },
      router: 'dqn',
      strategy: 'momentum',
      orders: {
        sent,
        acked: sent - 12,
        filled,
        rejected_risk: rejections,
        rejected_venue: 12,
        expired: 40,
        cancelled: 85,
      },
      fill_rate: filled / sent,
      filled_notional: filled * 100 * 187.3,
      pnl: { realized: total * 0.6 + fees, unrealized: total * 0.4, fees, total },
      max_drawdown: Math.max(...drawdown),
      by_venue: byVenue,
      by_symbol: bySymbol,
      routing: { decisions: 860, matched_hindsight: 591, match_rate: 591 / 860, regret_bps: 0.84 },
      risk: {
        checks: sent + rejections,
        breaker_trips: 1,
        rejections: { max_order_rate: rejections - 3, max_position: 3 },
      },
    },
    series: {
      t,
      pnl,
      drawdown,
      risk_rejections: riskRejections,
      orders_sent: ordersSent,
      ack_us: ackUs,
      predicted_us: predictedUs,
      routed,
      hindsight_best: hindsight,
    },
  };
}

/** A result with nothing in it, or one point in every series. */
function degenerate(points: number): BacktestResult {
  const base = fixture();
  const cut = <T>(xs: T[]) => xs.slice(0, points);
  const byVenue: Record<string, VenueOutcome> = {};
  const one =
    points > 0 ? { 'NYSE-SIM': { ...base.summary.by_venue['NYSE-SIM'], fill_rate: Number.NaN } } : {};
  Object.assign(byVenue, one);
  return {
    summary: {
      ...base.summary,
      by_venue: byVenue,
      by_symbol: points > 0 ? { AAPL: base.summary.by_symbol.AAPL } : {},
    },
    series: {
      t: cut(base.series.t),
      pnl: cut(base.series.pnl),
      drawdown: cut(base.series.drawdown),
      risk_rejections: cut(base.series.risk_rejections),
      orders_sent: cut(base.series.orders_sent),
      ack_us: points > 0 ? { 'NYSE-SIM': [250] } : {},
      predicted_us: points > 0 ? { 'NYSE-SIM': [260] } : {},
      routed: points > 0 ? { 'NYSE-SIM': 1 } : {},
      hindsight_best: points > 0 ? { 'NYSE-SIM': 1 } : {},
    },
  };
}

function countSvgs(html: string): number {
  return html.match(/<svg /g)?.length ?? 0;
}

describe('renderReportHtml', () => {
  it('renders one self-contained page with every section and chart', () => {
    const html = renderReportHtml(fixture(), 'Backtest: dqn on balanced');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<title>Backtest: dqn on balanced</title>');
    for (const id of SECTIONS) expect(html).toContain(`<section id="${id}">`);
    // equity + drawdown, 2 P&L bars, 3 latency distributions, 2 fill charts, routing, risk.
    expect(countSvgs(html)).toBe(11);
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|@import|url\(/i);
    expect(html.match(/https?:\/\/[^"]+/g)?.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
    for (const text of [
      'Total P&amp;L',
      'Max drawdown',
      'Fill rate',
      'Routing match rate',
      'Routing regret',
    ]) {
      expect(html).toContain(text);
    }
    for (const model of ['interpolated', 'risk-averse', 'recorded', 'dqn', 'momentum'])
      expect(html).toContain(model);
  });

  it('is deterministic: the same result gives the same bytes', () => {
    expect(renderReportHtml(fixture())).toBe(renderReportHtml(fixture()));
  });

  it('escapes names that come from the data', () => {
    const evil = '<script>alert(1)</script>';
    const html = renderReportHtml(
      fixture([evil, 'A&B "venue"', "O'Hare"], ['<b>X</b>', 'MSFT', 'GOOGL']),
      '<i>t</i>',
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>X</b>');
    expect(html).not.toContain('<i>t</i>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('A&amp;B &quot;venue&quot;');
    expect(html).toContain('O&#39;Hare');
  });

  it.each([0, 1])(
    'draws %i-point series without NaN or Infinity, and says when there is no data',
    (points) => {
      const html = renderReportHtml(degenerate(points));
      expect(html).not.toMatch(/NaN|Infinity/);
      for (const id of SECTIONS) expect(html).toContain(`<section id="${id}">`);
      if (points === 0) expect(html).toContain('no data');
    },
  );

  it('leaves out non-finite values instead of drawing them', () => {
    const result = fixture();
    result.series.pnl[10] = Number.NaN;
    result.series.drawdown[20] = Number.POSITIVE_INFINITY;
    result.series.ack_us['NYSE-SIM'].push(Number.NaN, -5, 0);
    result.summary.by_venue['BATS-SIM'].pnl = Number.NaN;
    expect(renderReportHtml(result)).not.toMatch(/NaN|Infinity/);
  });
});

describe('svg charts', () => {
  it('puts ticks at 1, 2 or 5 x 10^k and widens a flat domain', () => {
    expect(niceTicks([0, 29.94], 7).ticks).toEqual([0, 5, 10, 15, 20, 25, 30]);
    expect(niceTicks([-0.13, 0.41]).ticks).toEqual([-0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(niceTicks([7, 7]).ticks.length).toBeGreaterThan(1);
    expect(logTicks([240, 5_600]).ticks).toEqual([200, 500, 1_000, 2_000, 5_000, 10_000]);
  });

  it('draws a single point as a dot and no points as "no data"', () => {
    const one = renderLineChart({
      title: 't',
      xTitle: 'x',
      yTitle: 'y',
      series: [{ name: 'a', x: [3], y: [3] }],
    });
    expect(one).toContain('<circle');
    expect(one).not.toMatch(/NaN|Infinity/);
    const none = renderLineChart({
      title: 't',
      xTitle: 'x',
      yTitle: 'y',
      series: [{ name: 'a', x: [], y: [] }],
    });
    expect(none).toContain('no data');
  });

  it('leaves non-positive values off a log axis', () => {
    const svg = renderDistributionChart({
      title: 't',
      xTitle: 'x',
      series: [{ name: 'a', values: [0, -1, Number.NaN] }],
    });
    expect(svg).toContain('no data');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('escapes category and series names and the title', () => {
    const svg = renderBarChart({
      title: '<t>',
      yTitle: 'y',
      categories: [{ label: '<v>', sublabel: '"s"' }],
      series: [{ name: '&', values: [1] }],
      legend: true,
    });
    expect(svg).not.toMatch(/<t>|<v>|"s"/);
    expect(svg).toContain('&lt;v&gt;');
    expect(svg).toContain('&amp;');
  });
});

describe('report.html in headless Chromium', () => {
  const hasChromium = existsSync(CHROMIUM);
  if (!hasChromium)
    console.warn(`report-html browser test skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

  it.skipIf(!hasChromium)(
    'opens without console errors and draws every chart',
    async () => {
      const { chromium } = await import('playwright-core');
      const dir = mkdtempSync(join(tmpdir(), 'hft-report-'));
      const file = join(dir, 'report.html');
      writeFileSync(file, renderReportHtml(fixture(), 'Backtest: dqn on balanced'));
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox'],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const errors: string[] = [];
        page.on('console', (msg) => {
          if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
        });
        page.on('pageerror', (err) => errors.push(`page: ${err.message}`));
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        const screenshot = join(dir, 'report.png');
        await page.screenshot({ path: screenshot, fullPage: true });
        console.log(`report-html: screenshot at ${screenshot}`);

        const charts = await page.$$eval('svg.chart', (svgs) =>
          svgs.map((svg) => {
            const box = svg.getBoundingClientRect();
            const marks = [...svg.querySelectorAll('path, polyline, rect:not(.plot), circle')].filter(
              (el) => {
                const b = (el as unknown as { getBBox(): { width: number; height: number } }).getBBox();
                return b.width > 0 && b.height > 0;
              },
            );
            return {
              label: svg.getAttribute('aria-label'),
              width: box.width,
              height: box.height,
              marks: marks.length,
            };
          }),
        );
        expect(errors).toEqual([]);
        expect(charts).toHaveLength(11);
        for (const c of charts) {
          expect(c.width, `${c.label} width`).toBeGreaterThan(100);
          expect(c.height, `${c.label} height`).toBeGreaterThan(50);
          expect(c.marks, `${c.label} marks`).toBeGreaterThan(0);
        }
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
