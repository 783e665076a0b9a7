/**
 * The embedded simulated market. Each symbol has one efficient price: a geometric random walk
 * whose volatility switches between a calm and a volatile regime (a Markov chain on the simulated
 * clock), with Poisson jumps. Every venue quotes that price as it was `lag_ms` ago (its own
 * lead/lag), plus its own noise, spread and depth; spreads widen while volatile. Quote updates
 * arrive as a Poisson process at the configured total rate, each for a random (symbol, venue);
 * a fraction of them are trades at the touch (flags quote|trade) that eat into the quoted size.
 * Seeded and deterministic for a given sequence of `poll` times; nothing is allocated per tick.
 */

import type { VenueConfig } from '../config/config-types.js';
import { asSymbolId, asVenueId } from '../core/ids.js';
import { Random } from '../core/random.js';
import type { Registry } from '../core/registry.js';
import { type Tick, TickFlag } from '../shm/records.js';
import { TwoStateMarkov } from './latency/two-state-markov.js';
import type { MarketSource } from './market-source.js';

export interface SimMarketOptions {
  /** Mean ticks per second across all pairs (Poisson); 0 = one tick every poll (as fast as the consumer goes). */
  ratePerSec: number;
  seed: number;
  /** First tick time; default: the first `poll`. */
  startNs?: number;
  /** Volatility in the calm regime, fraction of price per sqrt(second) (all symbols). */
  volPerSqrtSec?: number;
  /** Per-symbol starting price and calm volatility (from `hft history`); others use the defaults. */
  calibration?: Readonly<Record<string, { price: number; volPerSqrtSec: number }>>;
  /** Fixed jump probability per tick of a symbol; when absent jumps arrive at `jumpsPerSec`. */
  jumpProbPerTick?: number;
  /** Jumps per symbol per simulated second (Poisson). */
  jumpsPerSec?: number;
  /** Standard deviation of a jump, fraction of price. */
  jumpSize?: number;
  /** Volatility multiple of the volatile regime. */
  volatileFactor?: number;
  /** Spread multiple of the volatile regime. */
  volatileSpreadFactor?: number;
  /** Calm -> volatile switches per second while calm. */
  volatileEnterPerSec?: number;
  /** Volatile -> calm switches per second while volatile. */
  volatileExitPerSec?: number;
  /** Fraction of ticks that are trades at the touch. */
  tradeProb?: number;
}

/** Built-in starting prices (used when `hft history` has cached nothing for a symbol). */
export const DEFAULT_PRICE = 100;
export const DEFAULT_VOL_PER_SQRT_SEC = 0.002;
export const KNOWN_PRICES: Readonly<Record<string, number>> = {
  AAPL: 190,
  MSFT: 410,
  GOOGL: 165,
  AMZN: 180,
  NVDA: 120,
  META: 500,
  TSLA: 240,
  JPM: 200,
};

/**
 * Efficient-price history per symbol for the lagging venues: at most one entry per 50 us bucket,
 * so 4096 entries reach back >= 204 ms at any tick rate (config caps lag_ms at 100).
 */
const HIST_LEN = 4096;
const HIST_BUCKET_NS = 50_000;
export const MAX_VENUE_LAG_MS = 100;

export class SimMarket implements MarketSource {
  private readonly rng: Random;
  private readonly efficient: Float64Array;
  private readonly lastStepNs: Float64Array;
  private readonly meanIntervalNs: number;
  private dueNs: number;
  private seq = 0;
  private readonly vol: Float64Array;
  /** Jump probability per tick, or NaN: from jumpsPerSec and the gap (a number field, never undefined, so V8 keeps it unboxed). */
  private readonly jumpProb: number;
  private readonly jumpsPerSec: number;
  private readonly jumpSize: number;
  private readonly volatileFactor: number;
  private readonly volatileSpreadFactor: number;
  private readonly tradeProb: number;
  private readonly regime: TwoStateMarkov;
  private readonly lagNs: Float64Array;
  // Ring of (time, price) per symbol: symbol s owns [s * HIST_LEN, (s + 1) * HIST_LEN).
  private readonly histTs: Float64Array;
  private readonly histPx: Float64Array;
  private readonly histNewest: Int32Array;
  private readonly histCount: Int32Array;

  constructor(
    private readonly registry: Registry,
    private readonly venues: readonly VenueConfig[],
    opts: SimMarketOptions,
  ) {
    if (venues.length !== registry.venueCount)
      throw new Error('sim market: venue config does not match registry');
    this.rng = new Random(opts.seed);
    const cal = opts.calibration ?? {};
    this.efficient = Float64Array.from(
      registry.symbols,
      (s) => cal[s]?.price ?? KNOWN_PRICES[s] ?? DEFAULT_PRICE,
    );
    this.lastStepNs = new Float64Array(registry.symbolCount).fill(Number.NaN);
    this.meanIntervalNs = opts.ratePerSec > 0 ? 1e9 / opts.ratePerSec : 0;
    this.dueNs = Number.NaN;
    this.vol = Float64Array.from(
      registry.symbols,
      (s) => cal[s]?.volPerSqrtSec ?? opts.volPerSqrtSec ?? DEFAULT_VOL_PER_SQRT_SEC,
    );
    this.jumpProb = opts.jumpProbPerTick ?? Number.NaN;
    this.jumpsPerSec = opts.jumpsPerSec ?? 0.02;
    this.jumpSize = opts.jumpSize ?? 0.002;
    this.volatileFactor = opts.volatileFactor ?? 3;
    this.volatileSpreadFactor = opts.volatileSpreadFactor ?? 2;
    this.tradeProb = opts.tradeProb ?? 0.1;
    // Its own generator: the regime timeline is a function of the seed and time only.
    this.regime = new TwoStateMarkov(
      opts.volatileEnterPerSec ?? 1 / 60,
      opts.volatileExitPerSec ?? 1 / 15,
      new Random((opts.seed ^ 0x7e91a3c5) >>> 0),
    );
    this.lagNs = Float64Array.from(venues, (v) => Math.min(v.lag_ms ?? 0, MAX_VENUE_LAG_MS) * 1e6);
    this.histTs = new Float64Array(registry.symbolCount * HIST_LEN);
    this.histPx = new Float64Array(registry.symbolCount * HIST_LEN);
    this.histNewest = new Int32Array(registry.symbolCount);
    this.histCount = new Int32Array(registry.symbolCount);
    if (opts.startNs !== undefined) this.start(opts.startNs);
  }

  nextDueNs(): number {
    // Not started yet: due at once, so the first poll starts the clock.
    return Number.isNaN(this.dueNs) ? 0 : this.dueNs;
  }

  poll(nowNs: number, out: Tick): boolean {
    if (Number.isNaN(this.dueNs)) this.start(nowNs);
    let exchTsNs: number;
    if (this.meanIntervalNs > 0) {
      if (this.dueNs > nowNs) return false;
      exchTsNs = this.dueNs;
      // Poisson arrivals: exponential gaps with mean 1/rate keep `rate` the average tick rate.
      this.dueNs += this.rng.exponential(this.meanIntervalNs);
    } else {
      this.dueNs = nowNs;
      exchTsNs = nowNs;
    }
    const symbolId = this.rng.int(this.registry.symbolCount);
    const venueId = this.rng.int(this.registry.venueCount);
    this.stepEfficientPrice(symbolId, exchTsNs);
    const seen = this.priceAt(symbolId, exchTsNs - this.lagNs[venueId]);
    this.quote(symbolId, venueId, seen, out);
    if (this.rng.next() < this.tradeProb) this.trade(out);
    out.seq = ++this.seq;
    out.exchTsNs = exchTsNs;
    out.recvTsNs = 0;
    out.ingestTsNs = 0;
    return true;
  }

  /** True while the market is in the volatile regime (as of the latest tick). */
  get volatile(): boolean {
    return this.regime.state === 1;
  }

  /** Volatile stretches entered so far. */
  get volatileStretches(): number {
    return this.regime.entries;
  }

  /** Current efficient price of a symbol (what the leading venue quotes around). */
  efficientPrice(symbolId: number): number {
    return this.efficient[symbolId];
  }

  private start(nowNs: number): void {
    this.dueNs = nowNs;
    this.lastStepNs.fill(nowNs);
    for (let s = 0; s < this.registry.symbolCount; s++) this.rememberPrice(s, nowNs, this.efficient[s]);
  }

  /**
   * Moves a symbol's efficient price to an observed trade price (a live feed such as Finnhub): the
   * venues keep their own noise, spread, depth and lag around it.
   */
  anchor(symbolId: number, px: number, tsNs: number): void {
    if (!(px > 0) || !(symbolId >= 0 && symbolId < this.registry.symbolCount)) return;
    this.efficient[symbolId] = px;
    if (!Number.isNaN(this.dueNs)) {
      this.lastStepNs[symbolId] = Math.max(tsNs, this.lastStepNs[symbolId]);
      this.rememberPrice(symbolId, tsNs, px);
    }
  }

  private stepEfficientPrice(symbolId: number, tsNs: number): void {
    const dtSec = Math.max(0, tsNs - this.lastStepNs[symbolId]) / 1e9;
    this.lastStepNs[symbolId] = Math.max(tsNs, this.lastStepNs[symbolId]);
    const vol = this.vol[symbolId];
    const sigma = this.regime.at(tsNs) === 1 ? vol * this.volatileFactor : vol;
    // Log-space steps keep the price positive however long the gap.
    let p = this.efficient[symbolId] * Math.exp(sigma * Math.sqrt(dtSec) * this.rng.normal());
    // Not `??` on an optional field: a number-or-undefined merge boxes the number (16 bytes a tick).
    const pJump = Number.isNaN(this.jumpProb) ? 1 - Math.exp(-this.jumpsPerSec * dtSec) : this.jumpProb;
    if (this.rng.next() < pJump) p *= Math.exp(this.jumpSize * this.rng.normal());
    this.efficient[symbolId] = p;
    this.rememberPrice(symbolId, tsNs, p);
  }

  /** Appends (ts, px) to the symbol's history, merging steps that fall in the same bucket. */
  private rememberPrice(symbolId: number, tsNs: number, px: number): void {
    const base = symbolId * HIST_LEN;
    const count = this.histCount[symbolId];
    let i = this.histNewest[symbolId];
    const sameBucket =
      count > 0 && Math.floor(this.histTs[base + i] / HIST_BUCKET_NS) === Math.floor(tsNs / HIST_BUCKET_NS);
    if (!sameBucket) {
      i = count === 0 ? 0 : (i + 1) % HIST_LEN;
      this.histNewest[symbolId] = i;
      if (count < HIST_LEN) this.histCount[symbolId] = count + 1;
    }
    this.histTs[base + i] = tsNs;
    this.histPx[base + i] = px;
  }

  /** The efficient price as of `tsNs`: the newest history entry at or before it (oldest if none). */
  private priceAt(symbolId: number, tsNs: number): number {
    const base = symbolId * HIST_LEN;
    const newest = this.histNewest[symbolId];
    if (tsNs >= this.histTs[base + newest]) return this.histPx[base + newest];
    const count = this.histCount[symbolId];
    const oldest = (newest - count + 1 + HIST_LEN) % HIST_LEN;
    // Binary search over logical positions 0 (oldest) .. count-1 (newest) for the last ts <= tsNs.
    let lo = 0;
    let hi = count - 1;
    if (this.histTs[base + oldest] > tsNs) return this.histPx[base + oldest];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.histTs[base + ((oldest + mid) % HIST_LEN)] <= tsNs) lo = mid;
      else hi = mid - 1;
    }
    return this.histPx[base + ((oldest + lo) % HIST_LEN)];
  }

  private quote(symbolId: number, venueId: number, efficient: number, out: Tick): void {
    const v = this.venues[venueId];
    const mid = efficient * (1 + (v.noise_bps / 1e4) * this.rng.normal());
    const widen = this.regime.state === 1 ? this.volatileSpreadFactor : 1;
    const half = Math.max(0.005, (mid * v.spread_bps * widen) / 2e4);
    out.symbolId = asSymbolId(symbolId);
    out.venueId = asVenueId(venueId);
    out.bidPx = roundCents(mid - half, -1);
    out.askPx = roundCents(mid + half, 1);
    out.bidQty = Math.max(1, Math.round(v.depth * (0.5 + this.rng.next())));
    out.askQty = Math.max(1, Math.round(v.depth * (0.5 + this.rng.next())));
    out.lastPx = 0;
    out.lastQty = 0;
    out.flags = TickFlag.quote;
  }

  /** Turns the quote in `out` into the quote left after a marketable order hit one side of it. */
  private trade(out: Tick): void {
    const buy = this.rng.next() < 0.5;
    const touchQty = buy ? out.askQty : out.bidQty;
    const qty = Math.max(1, Math.floor(touchQty * this.rng.next()));
    out.lastPx = buy ? out.askPx : out.bidPx;
    out.lastQty = qty;
    if (buy) out.askQty = touchQty - qty;
    else out.bidQty = touchQty - qty;
    out.flags = TickFlag.quote | TickFlag.trade;
  }
}

/** Rounds a price to a cent, down for bids and up for asks, so the spread never collapses. */
function roundCents(px: number, direction: 1 | -1): number {
  const cents = direction > 0 ? Math.ceil(px * 100 - 1e-9) : Math.floor(px * 100 + 1e-9);
  return cents / 100;
}
