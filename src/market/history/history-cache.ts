/**
 * The local cache of historical bars that `hft history` fills and the simulated market is
 * calibrated from: one JSON file per symbol, `<cacheDir>/history/<SYMBOL>.json`. A plain file
 * per symbol keeps it readable and lets a user drop in their own bars without any tooling.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** One trading day; `date` is the exchange-local calendar day, YYYY-MM-DD. */
export interface DailyBar {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** One intraday bar; `t` is its start as an ISO UTC timestamp. */
export interface IntradayBar {
  t: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The file layout; `version` lets a later, incompatible layout be told apart. */
export interface HistoryCacheFile {
  version: 1;
  symbol: string;
  source: 'yahoo-finance2';
  /** The requested range, inclusive, YYYY-MM-DD. */
  from: string;
  to: string;
  /** ISO time of the fetch, so a stale cache is visible to whoever reads the file. */
  fetchedAt: string;
  currency: string | null;
  daily: DailyBar[];
  /**
   * Regular-session bars where Yahoo offers them (5-minute bars reach back about 60 days), or
   * null when the range is older than that or Yahoo declined.
   */
  intraday: { interval: '5m'; bars: IntradayBar[] } | null;
}

export const DEFAULT_CACHE_DIR = '.hft-cache';
export const CACHE_DIR_ENV = 'HFT_CACHE_DIR';

/** `HFT_CACHE_DIR` when set (relative to cwd), else `.hft-cache` in cwd. */
export function resolveCacheDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const fromEnv = env[CACHE_DIR_ENV]?.trim();
  return resolve(cwd, fromEnv ? fromEnv : DEFAULT_CACHE_DIR);
}

/** Symbols become file names: refuse anything that could escape the cache directory. */
const SYMBOL_RE = /^[A-Za-z0-9^][A-Za-z0-9.^=-]{0,31}$/;

export function isValidSymbol(symbol: string): boolean {
  return SYMBOL_RE.test(symbol);
}

export function historyFilePath(cacheDir: string, symbol: string): string {
  if (!isValidSymbol(symbol)) throw new Error(`history cache: invalid symbol ${JSON.stringify(symbol)}`);
  return join(cacheDir, 'history', `${symbol.toUpperCase()}.json`);
}

/**
 * Writes through a temporary file and a rename so a crash mid-write never leaves a truncated
 * cache that calibration would then reject (or worse, half-read).
 */
export function writeHistoryCache(cacheDir: string, file: HistoryCacheFile): string {
  const path = historyFilePath(cacheDir, file.symbol);
  mkdirSync(join(cacheDir, 'history'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

type Ohlcv = Pick<DailyBar, 'open' | 'high' | 'low' | 'close' | 'volume'>;

function parseOhlcv(b: Record<string, unknown>): Ohlcv | null {
  const { open, high, low, close, volume } = b;
  if (![open, high, low, close, volume].every(isFiniteNumber)) return null;
  if ((close as number) <= 0) return null;
  return {
    open: open as number,
    high: high as number,
    low: low as number,
    close: close as number,
    volume: volume as number,
  };
}

function parseBar(v: unknown): DailyBar | null {
  if (typeof v !== 'object' || v === null) return null;
  const b = v as Record<string, unknown>;
  if (typeof b.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(b.date)) return null;
  const ohlcv = parseOhlcv(b);
  return ohlcv ? { date: b.date, ...ohlcv } : null;
}

function parseIntraday(v: unknown): HistoryCacheFile['intraday'] {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (o.interval !== '5m' || !Array.isArray(o.bars)) return null;
  const bars: IntradayBar[] = [];
  for (const item of o.bars) {
    if (typeof item !== 'object' || item === null) continue;
    const b = item as Record<string, unknown>;
    if (typeof b.t !== 'string' || Number.isNaN(Date.parse(b.t))) continue;
    const ohlcv = parseOhlcv(b);
    if (ohlcv) bars.push({ t: b.t, ...ohlcv });
  }
  bars.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  return { interval: '5m', bars };
}

/**
 * The cached file for `symbol`, or null when there is none or it is unreadable. A corrupt file
 * is treated as absent (calibration then uses the built-in defaults) rather than failing a run.
 */
export function readHistoryCache(cacheDir: string, symbol: string): HistoryCacheFile | null {
  let text: string;
  try {
    text = readFileSync(historyFilePath(cacheDir, symbol), 'utf8');
  } catch {
    return null;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as Record<string, unknown>;
  if (o.version !== 1 || !Array.isArray(o.daily)) return null;
  const daily: DailyBar[] = [];
  for (const item of o.daily) {
    const bar = parseBar(item);
    if (bar) daily.push(bar);
  }
  daily.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return {
    version: 1,
    symbol: typeof o.symbol === 'string' ? o.symbol : symbol.toUpperCase(),
    source: 'yahoo-finance2',
    from: typeof o.from === 'string' ? o.from : '',
    to: typeof o.to === 'string' ? o.to : '',
    fetchedAt: typeof o.fetchedAt === 'string' ? o.fetchedAt : '',
    currency: typeof o.currency === 'string' ? o.currency : null,
    daily,
    intraday: parseIntraday(o.intraday),
  };
}
