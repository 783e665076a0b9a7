/**
 * Turns cached daily bars into the simulated market's per-symbol parameters: the starting price
 * (last close) and the volatility per sqrt(second) of trading time. Symbols without a usable
 * cache get the simulator's built-in defaults, so calibration never stops a run.
 */
import { DEFAULT_PRICE, DEFAULT_VOL_PER_SQRT_SEC, KNOWN_PRICES } from '../sim-market.js';
import { readHistoryCache } from './history-cache.js';

/** The simulator's built-in starting prices and calm-regime vol (owned by sim-market.ts). */
export const BUILTIN_PRICES = KNOWN_PRICES;
export const BUILTIN_DEFAULT_PRICE = DEFAULT_PRICE;
export const BUILTIN_VOL_PER_SQRT_SEC = DEFAULT_VOL_PER_SQRT_SEC;

/** A regular US equity session, 09:30-16:00: daily moves happen over this much trading time. */
export const TRADING_SECONDS_PER_DAY = 6.5 * 3600;
/** Conventional trading days a year, for the annualised figure shown to users. */
export const TRADING_DAYS_PER_YEAR = 252;

export interface SymbolCalibration {
  price: number;
  volPerSqrtSec: number;
  /** Where the numbers came from; 'default' when the cache is missing or too short. */
  source: 'cache' | 'default';
  /** Daily bars the numbers were computed from (0 for defaults). */
  bars: number;
  /** Annualised volatility (fraction), for display; null when the vol is the default. */
  annualVol: number | null;
}

export function builtinCalibration(symbol: string): SymbolCalibration {
  return {
    price: BUILTIN_PRICES[symbol.toUpperCase()] ?? BUILTIN_DEFAULT_PRICE,
    volPerSqrtSec: BUILTIN_VOL_PER_SQRT_SEC,
    source: 'default',
    bars: 0,
    annualVol: null,
  };
}

/**
 * Sample standard deviation (n - 1) of the close-to-close log returns, or null with fewer than
 * two returns (one return has no spread). Weekends and holidays count as one step: the simulator
 * only runs during trading time, so overnight gaps belong to the daily move.
 */
export function dailyLogReturnStdev(closes: readonly number[]): number | null {
  const returns: number[] = [];
  for (let i = 1; i < closes.length; i++) {
    const a = closes[i - 1];
    const b = closes[i];
    if (a > 0 && b > 0) returns.push(Math.log(b / a));
  }
  if (returns.length < 2) return null;
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
  const ss = returns.reduce((s, r) => s + (r - mean) ** 2, 0);
  return Math.sqrt(ss / (returns.length - 1));
}

/** Calibration from a series of daily closes (oldest first); defaults fill whatever they cannot give. */
export function calibrateFromCloses(symbol: string, closes: readonly number[]): SymbolCalibration {
  const fallback = builtinCalibration(symbol);
  if (closes.length === 0) return fallback;
  const price = closes[closes.length - 1];
  const daily = dailyLogReturnStdev(closes);
  if (daily === null) return { ...fallback, price, source: 'cache', bars: closes.length };
  return {
    price,
    // A random walk's stdev grows with sqrt(time): the daily figure spread over a session.
    volPerSqrtSec: daily / Math.sqrt(TRADING_SECONDS_PER_DAY),
    source: 'cache',
    bars: closes.length,
    annualVol: daily * Math.sqrt(TRADING_DAYS_PER_YEAR),
  };
}

/** Per-symbol price level and vol from `<cacheDir>/history/`, built-in defaults where absent. */
export function calibrateFromCache(
  symbols: readonly string[],
  cacheDir: string,
): Record<string, SymbolCalibration> {
  const out: Record<string, SymbolCalibration> = {};
  for (const raw of symbols) {
    const symbol = raw.trim().toUpperCase();
    if (symbol === '' || symbol in out) continue;
    let cached: ReturnType<typeof readHistoryCache> = null;
    try {
      cached = readHistoryCache(cacheDir, symbol);
    } catch {
      // An odd symbol (one that cannot be a file name) simply has no cache.
      cached = null;
    }
    out[symbol] = cached
      ? calibrateFromCloses(
          symbol,
          cached.daily.map((b) => b.close),
        )
      : builtinCalibration(symbol);
  }
  return out;
}
