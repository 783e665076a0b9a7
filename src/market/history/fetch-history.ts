/**
 * Pulls daily bars through yahoo-finance2's `chart()` into the history cache (history-cache.ts).
 * All symbols are fetched before anything is written, so a failure part-way (offline, unknown
 * symbol) leaves the cache exactly as it was and calibration keeps using what it had.
 */
import YahooFinance from 'yahoo-finance2';
import type { ChartResultArray } from 'yahoo-finance2/modules/chart';
import { ConfigError, RuntimeFault } from '../../core/errors.js';
import { type DailyBar, type IntradayBar, isValidSymbol, writeHistoryCache } from './history-cache.js';

export type YahooClient = InstanceType<typeof YahooFinance>;

/** A bad `--from` / `--to`; exit status 2 like any other bad flag. */
export class HistoryDateError extends ConfigError {
  constructor(field: string, reason: string) {
    super(field, reason);
    // The parent's `name` is a literal-typed field; set ours at run time for logs and stacks.
    Object.defineProperty(this, 'name', { value: 'HistoryDateError' });
  }
}

/** Yahoo could not be reached at all (no network, DNS, refused, timed out). */
export class HistoryOfflineError extends RuntimeFault {
  constructor(symbol: string, cause: unknown) {
    super(
      `history: cannot reach Yahoo Finance for ${symbol} (offline?): ${describe(cause)}; ` +
        'cache left unchanged, the built-in defaults stay in use',
      { symbol },
      { cause },
    );
    Object.defineProperty(this, 'name', { value: 'HistoryOfflineError' });
  }
}

/** Yahoo answered but not with usable bars (unknown symbol, HTTP error, failed validation). */
export class HistoryFetchError extends RuntimeFault {
  constructor(symbol: string, cause: unknown) {
    super(
      `history: fetching ${symbol} failed: ${describe(cause)}; cache left unchanged`,
      { symbol },
      { cause },
    );
    Object.defineProperty(this, 'name', { value: 'HistoryFetchError' });
  }
}

export interface CreateYahooClientOptions {
  /** The HTTP transport; default `globalThis.fetch`. Tests pass one serving recorded responses. */
  fetch?: typeof fetch;
  /** Where the library's own warnings go; default: dropped (they would interleave with our output). */
  warn?: (line: string) => void;
}

/**
 * A yahoo-finance2 client set up for a CLI: no version check (it would make a second network
 * request on every error), no survey notices, and the library's console logging redirected.
 */
export function createYahooClient(opts: CreateYahooClientOptions = {}): YahooClient {
  const warn = opts.warn ?? (() => {});
  const toLine = (args: unknown[]): string =>
    args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ');
  return new YahooFinance({
    versionCheck: false,
    suppressNotices: ['yahooSurvey', 'ripHistorical'],
    logger: {
      info: () => {},
      debug: () => {},
      dir: () => {},
      warn: (...args: unknown[]) => warn(toLine(args)),
      error: (...args: unknown[]) => warn(toLine(args)),
    },
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}

export interface FetchHistoryOptions {
  cacheDir: string;
  /** Default: `createYahooClient()` on the real network. */
  client?: YahooClient;
  /** Per-request timeout; default 20 s, so a black-holed network reads as offline instead of hanging. */
  timeoutMs?: number;
  /** "Today" for the date checks; default the current time. */
  now?: Date;
}

export interface SymbolHistory {
  symbol: string;
  bars: DailyBar[];
  currency: string | null;
  /** 5-minute regular-session bars where Yahoo offers them for the range, else null. */
  intraday: IntradayBar[] | null;
  /** Cache file written, or null when Yahoo had no bars in the range (an existing cache is kept). */
  path: string | null;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Parses YYYY-MM-DD as a UTC midnight, rejecting non-dates such as 2024-02-30. */
export function parseHistoryDate(flag: '--from' | '--to', value: string): number {
  const m = DATE_RE.exec(value.trim());
  if (!m) throw new HistoryDateError(flag, `must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2024-02-30 over to March; comparing back catches it.
  if (new Date(ms).toISOString().slice(0, 10) !== m[0]) {
    throw new HistoryDateError(flag, `is not a calendar date: ${value}`);
  }
  return ms;
}

/** Validated range: `from` <= `to`, `from` not in the future. `to` is inclusive. */
export function parseHistoryRange(
  from: string,
  to: string,
  now: Date = new Date(),
): { fromMs: number; toMs: number } {
  const fromMs = parseHistoryDate('--from', from);
  const toMs = parseHistoryDate('--to', to);
  if (fromMs > toMs) throw new HistoryDateError('--from', `${from} is after --to ${to}`);
  if (fromMs > now.getTime()) throw new HistoryDateError('--from', `${from} is in the future`);
  return { fromMs, toMs };
}

export function normaliseSymbols(symbols: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of symbols) {
    const s = raw.trim().toUpperCase();
    if (s === '') continue;
    if (!isValidSymbol(s)) throw new ConfigError('--symbols', `invalid symbol ${JSON.stringify(raw)}`);
    if (!out.includes(s)) out.push(s);
  }
  if (out.length === 0) throw new ConfigError('--symbols', 'at least one symbol is required');
  return out;
}

/** Fetches every symbol's daily bars for [from, to], then writes them all to the cache. */
export async function fetchHistory(
  symbols: readonly string[],
  from: string,
  to: string,
  opts: FetchHistoryOptions,
): Promise<SymbolHistory[]> {
  const list = normaliseSymbols(symbols);
  const { fromMs, toMs } = parseHistoryRange(from, to, opts.now);
  const client = opts.client ?? createYahooClient();
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const fetched: SymbolHistory[] = [];
  const now = opts.now ?? new Date();
  // One at a time: a handful of symbols, and the first offline failure should stop the rest.
  for (const symbol of list) {
    const daily = await fetchDaily(client, symbol, fromMs, toMs, timeoutMs);
    daily.intraday = await fetchIntraday(client, symbol, fromMs, toMs, now.getTime(), timeoutMs);
    fetched.push(daily);
  }
  const fetchedAt = now.toISOString();
  for (const h of fetched) {
    if (h.bars.length === 0) continue;
    h.path = writeHistoryCache(opts.cacheDir, {
      version: 1,
      symbol: h.symbol,
      source: 'yahoo-finance2',
      from: isoDay(fromMs),
      to: isoDay(toMs),
      fetchedAt,
      currency: h.currency,
      daily: h.bars,
      intraday: h.intraday ? { interval: '5m', bars: h.intraday } : null,
    });
  }
  return fetched;
}

async function fetchDaily(
  client: YahooClient,
  symbol: string,
  fromMs: number,
  toMs: number,
  timeoutMs: number,
): Promise<SymbolHistory> {
  let result: ChartResultArray;
  try {
    result = await client.chart(
      symbol,
      // period2 is exclusive at Yahoo; the day after `to` makes `to` itself included.
      { period1: new Date(fromMs), period2: new Date(toMs + DAY_MS), interval: '1d', return: 'array' },
      { fetchOptions: { signal: AbortSignal.timeout(timeoutMs) } },
    );
  } catch (err) {
    if (isNetworkFailure(err)) throw new HistoryOfflineError(symbol, err);
    throw new HistoryFetchError(symbol, err);
  }
  // Yahoo stamps a daily bar with the session's open in UTC; shifting by the exchange's offset
  // gives the exchange-local trading day, which is what a user's --from/--to mean.
  const offsetMs = (typeof result.meta.gmtoffset === 'number' ? result.meta.gmtoffset : 0) * 1000;
  const first = isoDay(fromMs);
  const last = isoDay(toMs);
  const bars: DailyBar[] = [];
  for (const q of result.quotes) {
    const { open, high, low, close, volume } = q;
    // Yahoo leaves nulls for halted or not-yet-settled sessions; such a bar carries no price.
    if (open === null || high === null || low === null || close === null || !(close > 0)) continue;
    const date = isoDay(q.date.getTime() + offsetMs);
    if (date < first || date > last) continue;
    bars.push({ date, open, high, low, close, volume: volume ?? 0 });
  }
  bars.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const currency = typeof result.meta.currency === 'string' ? result.meta.currency : null;
  return { symbol, bars, currency, intraday: null, path: null };
}

/** Yahoo serves 5-minute bars for about the last 60 days; a margin keeps us inside its limit. */
const INTRADAY_REACH_MS = 59 * DAY_MS;

/**
 * The regular-session 5-minute bars of the part of [from, to] Yahoo still has, or null when none
 * of the range is that recent or Yahoo declines: intraday bars are a bonus, daily bars suffice.
 * Only a transport failure is an error, as for the daily request.
 */
async function fetchIntraday(
  client: YahooClient,
  symbol: string,
  fromMs: number,
  toMs: number,
  nowMs: number,
  timeoutMs: number,
): Promise<IntradayBar[] | null> {
  const startMs = Math.max(fromMs, Math.floor((nowMs - INTRADAY_REACH_MS) / DAY_MS) * DAY_MS);
  const endMs = Math.min(toMs + DAY_MS, nowMs);
  if (startMs >= endMs) return null;
  let result: ChartResultArray;
  try {
    result = await client.chart(
      symbol,
      {
        period1: new Date(startMs),
        period2: new Date(endMs),
        interval: '5m',
        includePrePost: false,
        return: 'array',
      },
      { fetchOptions: { signal: AbortSignal.timeout(timeoutMs) } },
    );
  } catch (err) {
    if (isNetworkFailure(err)) throw new HistoryOfflineError(symbol, err);
    return null;
  }
  const bars: IntradayBar[] = [];
  for (const q of result.quotes) {
    const { open, high, low, close, volume } = q;
    if (open === null || high === null || low === null || close === null || !(close > 0)) continue;
    const t = q.date.getTime();
    if (t < fromMs || t >= toMs + DAY_MS) continue;
    bars.push({ t: new Date(t).toISOString(), open, high, low, close, volume: volume ?? 0 });
  }
  bars.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  return bars.length > 0 ? bars : null;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/**
 * Node's fetch reports every transport failure as `TypeError('fetch failed')` with the system
 * error as `cause`; a timeout surfaces as a TimeoutError/AbortError. Anything else means Yahoo
 * did answer, which is not "offline".
 */
export function isNetworkFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
    if (e instanceof TypeError && e.message === 'fetch failed') return true;
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  }
  return false;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  const first = err.message.split('\n')[0];
  return typeof code === 'string' ? `${first} (${code})` : first;
}
