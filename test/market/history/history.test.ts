/**
 * `hft history` against recorded Yahoo chart responses. The responses are served by a real HTTP
 * server on 127.0.0.1 and reached through yahoo-finance2's own request, parsing and validation
 * code: the only thing injected is the `fetch` that redirects Yahoo's host to that server.
 * Fixtures: chart-<SYMBOL>-<interval>.json are responses in Yahoo's v8 chart shape; the
 * not-found / intraday-unavailable bodies are Yahoo's error envelopes (served with 404 / 422).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { runHistoryCommand } from '../../../src/main/history-command.js';
import {
  BUILTIN_VOL_PER_SQRT_SEC,
  calibrateFromCache,
  TRADING_SECONDS_PER_DAY,
} from '../../../src/market/history/calibration.js';
import {
  createYahooClient,
  fetchHistory,
  HistoryDateError,
  HistoryFetchError,
  HistoryOfflineError,
} from '../../../src/market/history/fetch-history.js';
import { type HistoryCacheFile, resolveCacheDir } from '../../../src/market/history/history-cache.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

interface RecordedChart {
  chart: {
    result: Array<{
      timestamp: number[];
      indicators: {
        quote: Array<{ open: number[]; high: number[]; low: number[]; close: number[]; volume: number[] }>;
      };
    }>;
  };
}

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}
function recordedQuote(symbol: string, interval: '1d' | '5m' = '1d') {
  return (JSON.parse(fixture(`chart-${symbol}-${interval}.json`)) as RecordedChart).chart.result[0].indicators
    .quote[0];
}

/** Serves the recorded responses by path, as Yahoo would (404 + error body for unknown symbols). */
let server: Server;
let origin: string;
const requests: URL[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    const m = /^\/v8\/finance\/chart\/([A-Z.]+)$/.exec(url.pathname);
    const interval = url.searchParams.get('interval');
    const name = m ? `chart-${m[1]}-${interval}.json` : null;
    if (name && readdirSync(FIXTURES).includes(name)) {
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' }).end(fixture(name));
    } else if (m?.[1] === 'HANG') {
      // Never answers: a black-holed connection.
    } else if (interval === '5m') {
      // What Yahoo answers for intraday bars it does not have (or no longer keeps).
      res
        .writeHead(422, { 'content-type': 'application/json;charset=utf-8' })
        .end(fixture('chart-intraday-unavailable.json'));
    } else {
      res
        .writeHead(404, { 'content-type': 'application/json;charset=utf-8' })
        .end(fixture('chart-not-found.json'));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

/** The real fetch, pointed at `target` instead of Yahoo's host (which is https and unreachable here). */
function redirectingFetch(target: string): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    expect(url.host).toBe('query2.finance.yahoo.com');
    return fetch(`${target}${url.pathname}${url.search}`, init);
  };
}

let cacheDir: string;
beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'hft-history-'));
  requests.length = 0;
});
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

const NOW = new Date('2024-06-03T12:00:00Z');
const readCache = (symbol: string) =>
  JSON.parse(readFileSync(join(cacheDir, 'history', `${symbol}.json`), 'utf8')) as HistoryCacheFile;
const listCache = () => {
  try {
    return readdirSync(join(cacheDir, 'history')).sort();
  } catch {
    return [];
  }
};

/** Written out longhand (not via the code under test): sample stdev of daily log returns. */
function expectedVolPerSqrtSec(closes: number[]): number {
  const r: number[] = [];
  for (let i = 1; i < closes.length; i++) r.push(Math.log(closes[i] / closes[i - 1]));
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  const variance = r.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (r.length - 1);
  return Math.sqrt(variance) / Math.sqrt(6.5 * 60 * 60);
}

describe('fetchHistory through yahoo-finance2 (recorded responses)', () => {
  it('requests daily bars for the inclusive range and caches them per symbol', async () => {
    const client = createYahooClient({ fetch: redirectingFetch(origin) });
    const res = await fetchHistory(['aapl', 'MSFT'], '2024-05-20', '2024-05-31', {
      cacheDir,
      client,
      now: NOW,
    });

    expect(requests.map((u) => `${u.pathname} ${u.searchParams.get('interval')}`)).toEqual([
      '/v8/finance/chart/AAPL 1d',
      '/v8/finance/chart/AAPL 5m',
      '/v8/finance/chart/MSFT 1d',
      '/v8/finance/chart/MSFT 5m',
    ]);
    for (const u of requests) {
      expect(u.searchParams.get('period1')).toBe(String(Date.UTC(2024, 4, 20) / 1000));
      // period2 is exclusive at Yahoo, so the day after --to.
      expect(u.searchParams.get('period2')).toBe(String(Date.UTC(2024, 5, 1) / 1000));
    }
    // Intraday: regular session only.
    expect(requests[1].searchParams.get('includePrePost')).toBe('false');
    expect(res.map((r) => [r.symbol, r.bars.length])).toEqual([
      ['AAPL', 9],
      ['MSFT', 9],
    ]);
    expect(listCache()).toEqual(['AAPL.json', 'MSFT.json']);

    const aapl = readCache('AAPL');
    const q = recordedQuote('AAPL');
    expect(aapl).toMatchObject({
      version: 1,
      symbol: 'AAPL',
      from: '2024-05-20',
      to: '2024-05-31',
      currency: 'USD',
    });
    expect(aapl.fetchedAt).toBe(NOW.toISOString());
    expect(aapl.daily.map((b) => b.date)).toEqual([
      '2024-05-20',
      '2024-05-21',
      '2024-05-22',
      '2024-05-23',
      '2024-05-24',
      '2024-05-28',
      '2024-05-29',
      '2024-05-30',
      '2024-05-31',
    ]);
    expect(aapl.daily[0]).toEqual({
      date: '2024-05-20',
      open: q.open[0],
      high: q.high[0],
      low: q.low[0],
      close: q.close[0],
      volume: q.volume[0],
    });
    expect(aapl.daily.map((b) => b.close)).toEqual(q.close);
    expect(readCache('MSFT').daily.map((b) => b.close)).toEqual(recordedQuote('MSFT').close);

    // AAPL's recorded 5m response is cached; MSFT's intraday request was declined (422).
    const q5 = recordedQuote('AAPL', '5m');
    const intraday = aapl.intraday?.bars ?? [];
    expect(aapl.intraday?.interval).toBe('5m');
    expect(intraday).toHaveLength(78);
    expect(intraday[0]).toEqual({
      t: '2024-05-31T13:30:00.000Z',
      open: q5.open[0],
      high: q5.high[0],
      low: q5.low[0],
      close: q5.close[0],
      volume: q5.volume[0],
    });
    expect(intraday[77].t).toBe('2024-05-31T19:55:00.000Z');
    expect(readCache('MSFT').intraday).toBeNull();
  });

  it('does not ask for intraday bars older than Yahoo keeps them', async () => {
    const client = createYahooClient({ fetch: redirectingFetch(origin) });
    const later = new Date('2024-09-02T12:00:00Z');
    const [aapl] = await fetchHistory(['AAPL'], '2024-05-20', '2024-05-31', { cacheDir, client, now: later });
    expect(requests.map((u) => u.searchParams.get('interval'))).toEqual(['1d']);
    expect(aapl.bars).toHaveLength(9);
    expect(readCache('AAPL').intraday).toBeNull();
  });

  it('calibrates price and vol from the cache', async () => {
    const client = createYahooClient({ fetch: redirectingFetch(origin) });
    await fetchHistory(['AAPL', 'MSFT'], '2024-05-20', '2024-05-31', { cacheDir, client, now: NOW });
    const cal = calibrateFromCache(['AAPL', 'MSFT', 'NVDA'], cacheDir);

    for (const s of ['AAPL', 'MSFT']) {
      const closes = recordedQuote(s).close;
      expect(cal[s].source).toBe('cache');
      expect(cal[s].bars).toBe(9);
      expect(cal[s].price).toBe(closes[closes.length - 1]);
      expect(cal[s].volPerSqrtSec).toBeCloseTo(expectedVolPerSqrtSec(closes), 15);
    }
    // Sanity against the raw numbers: AAPL's ~1.1% daily moves are ~7e-5 per sqrt(second).
    expect(cal.AAPL.price).toBeCloseTo(192.25, 4);
    expect(cal.AAPL.volPerSqrtSec).toBeGreaterThan(5e-5);
    expect(cal.AAPL.volPerSqrtSec).toBeLessThan(1e-4);
    expect(cal.NVDA).toMatchObject({
      source: 'default',
      price: 120,
      volPerSqrtSec: BUILTIN_VOL_PER_SQRT_SEC,
    });
    expect(TRADING_SECONDS_PER_DAY).toBe(23_400);
  });

  it('runHistoryCommand prints bars cached, last close and vol per symbol', async () => {
    const lines: string[] = [];
    await runHistoryCommand(
      {
        symbols: ['AAPL', 'MSFT'],
        from: '2024-05-20',
        to: '2024-05-31',
        cacheDir,
        client: createYahooClient({ fetch: redirectingFetch(origin) }),
        now: NOW,
      },
      (l) => lines.push(l),
    );
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^AAPL: 9 bars cached \(2024-05-20\.\.2024-05-31\) \+ 78 5m bars, last close 192\.25 USD on 2024-05-31, vol /,
    );
    expect(lines[1]).toMatch(/^MSFT: 9 bars cached .* last close 415\.13 USD/);
    const aaplVol = expectedVolPerSqrtSec(recordedQuote('AAPL').close);
    expect(lines[0]).toContain(`vol ${aaplVol.toExponential(3)}/sqrt(s)`);
  });

  it('keeps only the bars inside the requested range', async () => {
    const client = createYahooClient({ fetch: redirectingFetch(origin) });
    const [aapl] = await fetchHistory(['AAPL'], '2024-05-22', '2024-05-28', { cacheDir, client, now: NOW });
    expect(aapl.bars.map((b) => b.date)).toEqual(['2024-05-22', '2024-05-23', '2024-05-24', '2024-05-28']);
  });
});

describe('failures leave the cache untouched', () => {
  const previous: HistoryCacheFile = {
    version: 1,
    symbol: 'AAPL',
    source: 'yahoo-finance2',
    from: '2024-01-02',
    to: '2024-01-04',
    fetchedAt: '2024-01-05T00:00:00.000Z',
    currency: 'USD',
    daily: [
      { date: '2024-01-02', open: 187, high: 188, low: 183, close: 185.64, volume: 82_488_700 },
      { date: '2024-01-03', open: 184, high: 185, low: 182, close: 184.25, volume: 58_414_500 },
      { date: '2024-01-04', open: 182, high: 183, low: 180, close: 181.91, volume: 71_983_600 },
    ],
    intraday: null,
  };
  let before: string;
  beforeEach(() => {
    mkdirSync(join(cacheDir, 'history'));
    before = `${JSON.stringify(previous, null, 2)}\n`;
    writeFileSync(join(cacheDir, 'history', 'AAPL.json'), before);
  });
  const untouched = () => {
    expect(listCache()).toEqual(['AAPL.json']);
    expect(readFileSync(join(cacheDir, 'history', 'AAPL.json'), 'utf8')).toBe(before);
  };

  it('no network (connection refused) -> HistoryOfflineError saying the defaults stay', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const client = createYahooClient({ fetch: redirectingFetch(`http://127.0.0.1:${port}`) });

    const err = await fetchHistory(['AAPL', 'MSFT'], '2024-05-20', '2024-05-31', {
      cacheDir,
      client,
      now: NOW,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HistoryOfflineError);
    const e = err as HistoryOfflineError;
    expect(e.exitCode).toBe(1);
    expect(e.name).toBe('HistoryOfflineError');
    expect(e.message).toMatch(/offline/);
    expect(e.message).toMatch(/built-in defaults stay in use/);
    expect(e.message).toContain('ECONNREFUSED');
    expect(e.context).toEqual({ symbol: 'AAPL' });
    untouched();
    // The earlier cache still drives calibration.
    expect(calibrateFromCache(['AAPL'], cacheDir).AAPL.price).toBe(181.91);
  });

  it('a request that never completes times out as offline', async () => {
    const client = createYahooClient({ fetch: redirectingFetch(origin) });
    const err = await fetchHistory(['HANG'], '2024-05-20', '2024-05-31', {
      cacheDir,
      client,
      now: NOW,
      timeoutMs: 300,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HistoryOfflineError);
    untouched();
  });

  it('an unknown symbol fails the whole fetch before anything is written', async () => {
    const client = createYahooClient({ fetch: redirectingFetch(origin) });
    const err = await fetchHistory(['MSFT', 'NOPE'], '2024-05-20', '2024-05-31', {
      cacheDir,
      client,
      now: NOW,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HistoryFetchError);
    expect((err as HistoryFetchError).name).toBe('HistoryFetchError');
    expect((err as Error).message).toMatch(/NOPE.*No data found/);
    // MSFT's daily and intraday bars were fetched, then NOPE failed: nothing may be written.
    expect(requests.map((u) => u.pathname)).toEqual([
      '/v8/finance/chart/MSFT',
      '/v8/finance/chart/MSFT',
      '/v8/finance/chart/NOPE',
    ]);
    untouched();
  });

  it.each([
    ['2024/05/20', '2024-05-31', '--from', /YYYY-MM-DD/],
    ['2024-05-20', 'yesterday', '--to', /YYYY-MM-DD/],
    ['2024-02-30', '2024-03-05', '--from', /not a calendar date/],
    ['2024-05-31', '2024-05-20', '--from', /after --to/],
    ['2024-07-01', '2024-07-05', '--from', /in the future/],
  ])('bad dates %s..%s -> HistoryDateError on %s, no request', async (from, to, field, reason) => {
    const client = createYahooClient({ fetch: redirectingFetch(origin) });
    const err = await fetchHistory(['AAPL'], from, to, { cacheDir, client, now: NOW }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HistoryDateError);
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as HistoryDateError;
    expect(e.exitCode).toBe(2);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(reason);
    expect(requests).toHaveLength(0);
    untouched();
  });

  it('rejects symbols that could not be cache file names', async () => {
    const err = await fetchHistory(['../etc'], '2024-05-20', '2024-05-31', { cacheDir, now: NOW }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe('--symbols');
    untouched();
  });
});

describe('calibrateFromCache without a usable cache', () => {
  it('falls back to the built-in defaults', () => {
    const cal = calibrateFromCache(['AAPL', 'MSFT', 'XYZ'], join(cacheDir, 'does-not-exist'));
    expect(cal).toEqual({
      AAPL: { price: 190, volPerSqrtSec: 0.002, source: 'default', bars: 0, annualVol: null },
      MSFT: { price: 410, volPerSqrtSec: 0.002, source: 'default', bars: 0, annualVol: null },
      XYZ: { price: 100, volPerSqrtSec: 0.002, source: 'default', bars: 0, annualVol: null },
    });
  });

  it('treats a corrupt file as absent and keeps the default vol for too few bars', () => {
    mkdirSync(join(cacheDir, 'history'));
    writeFileSync(join(cacheDir, 'history', 'AAPL.json'), '{"version":1,"daily":[');
    const short: HistoryCacheFile = {
      version: 1,
      symbol: 'MSFT',
      source: 'yahoo-finance2',
      from: '2024-05-30',
      to: '2024-05-31',
      fetchedAt: '2024-06-01T00:00:00.000Z',
      currency: 'USD',
      daily: [
        { date: '2024-05-30', open: 424, high: 424, low: 414, close: 414.67, volume: 1 },
        { date: '2024-05-31', open: 416, high: 416, low: 404, close: 415.13, volume: 1 },
      ],
      intraday: null,
    };
    writeFileSync(join(cacheDir, 'history', 'MSFT.json'), JSON.stringify(short));
    const cal = calibrateFromCache(['AAPL', 'MSFT'], cacheDir);
    expect(cal.AAPL).toMatchObject({ source: 'default', price: 190 });
    expect(cal.MSFT).toMatchObject({ source: 'cache', price: 415.13, volPerSqrtSec: 0.002, annualVol: null });
  });

  it('resolves the cache dir from HFT_CACHE_DIR, else .hft-cache in cwd', () => {
    expect(resolveCacheDir({}, '/work/x')).toBe(resolve('/work/x', '.hft-cache'));
    expect(resolveCacheDir({ HFT_CACHE_DIR: '/var/cache/hft' }, '/work/x')).toBe('/var/cache/hft');
    expect(resolveCacheDir({ HFT_CACHE_DIR: 'rel' }, '/work/x')).toBe(resolve('/work/x', 'rel'));
  });
});
