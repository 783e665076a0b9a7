/**
 * The embedded simulated market: each symbol has one efficient price (a random walk with rare
 * jumps); every venue quotes it with its own noise, spread and depth. Ticks are evenly spaced at
 * the configured rate across all (symbol, venue) pairs, each pair chosen at random. Seeded and
 * deterministic for a given sequence of `poll` times.
 */
import { Random } from '../core/random.js';
import type { Registry } from '../core/registry.js';
import type { VenueConfig } from '../main/config-types.js';
import { type Tick, TickFlag } from '../shm/records.js';
import type { MarketSource } from './market-source.js';

export interface SimMarketOptions {
  /** Ticks per second across all pairs; 0 = one tick every poll (as fast as the consumer goes). */
  ratePerSec: number;
  seed: number;
  /** First tick time; default: the first `poll`. */
  startNs?: number;
  /** Per-symbol volatility, fraction of price per sqrt(second). */
  volPerSqrtSec?: number;
  jumpProbPerTick?: number;
}

const DEFAULT_PRICE = 100;
const KNOWN_PRICES: Record<string, number> = {
  AAPL: 190,
  MSFT: 410,
  GOOGL: 165,
  AMZN: 180,
  NVDA: 120,
  META: 500,
  TSLA: 240,
  JPM: 200,
};

export class SimMarket implements MarketSource {
  private readonly rng: Random;
  private readonly efficient: Float64Array;
  private readonly lastStepNs: Float64Array;
  private readonly intervalNs: number;
  private dueNs: number;
  private seq = 0;
  private readonly vol: number;
  private readonly jumpProb: number;

  constructor(
    private readonly registry: Registry,
    private readonly venues: readonly VenueConfig[],
    opts: SimMarketOptions,
  ) {
    if (venues.length !== registry.venueCount)
      throw new Error('sim market: venue config does not match registry');
    this.rng = new Random(opts.seed);
    this.efficient = Float64Array.from(registry.symbols, (s) => KNOWN_PRICES[s] ?? DEFAULT_PRICE);
    this.lastStepNs = new Float64Array(registry.symbolCount).fill(opts.startNs ?? Number.NaN);
    this.intervalNs = opts.ratePerSec > 0 ? 1e9 / opts.ratePerSec : 0;
    this.dueNs = opts.startNs ?? Number.NaN;
    this.vol = opts.volPerSqrtSec ?? 0.002;
    this.jumpProb = opts.jumpProbPerTick ?? 1e-4;
  }

  nextDueNs(): number {
    // Not started yet: due at once, so the first poll starts the clock.
    return Number.isNaN(this.dueNs) ? 0 : this.dueNs;
  }

  poll(nowNs: number, out: Tick): boolean {
    if (Number.isNaN(this.dueNs)) {
      this.dueNs = nowNs;
      this.lastStepNs.fill(nowNs);
    }
    if (this.intervalNs > 0) {
      if (this.dueNs > nowNs) return false;
    } else {
      this.dueNs = nowNs;
    }
    const exchTsNs = this.dueNs;
    this.dueNs += this.intervalNs;
    const symbolId = this.rng.int(this.registry.symbolCount);
    const venueId = this.rng.int(this.registry.venueCount);
    const price = this.stepEfficientPrice(symbolId, exchTsNs);
    this.quote(symbolId, venueId, price, out);
    out.seq = ++this.seq;
    out.exchTsNs = exchTsNs;
    out.recvTsNs = 0;
    out.ingestTsNs = 0;
    return true;
  }

  private stepEfficientPrice(symbolId: number, tsNs: number): number {
    const dtSec = Math.max(0, tsNs - this.lastStepNs[symbolId]) / 1e9;
    this.lastStepNs[symbolId] = tsNs;
    let p = this.efficient[symbolId];
    p *= 1 + this.vol * Math.sqrt(dtSec) * this.rng.normal();
    if (this.rng.next() < this.jumpProb) p *= 1 + 0.002 * this.rng.normal();
    this.efficient[symbolId] = p;
    return p;
  }

  private quote(symbolId: number, venueId: number, efficient: number, out: Tick): void {
    const v = this.venues[venueId];
    const mid = efficient * (1 + (v.noise_bps / 1e4) * this.rng.normal());
    const half = Math.max(0.005, (mid * v.spread_bps) / 2e4);
    out.symbolId = symbolId;
    out.venueId = venueId;
    out.bidPx = roundCents(mid - half, -1);
    out.askPx = roundCents(mid + half, 1);
    out.bidQty = Math.max(1, Math.round(v.depth * (0.5 + this.rng.next())));
    out.askQty = Math.max(1, Math.round(v.depth * (0.5 + this.rng.next())));
    out.lastPx = 0;
    out.lastQty = 0;
    out.flags = TickFlag.quote;
  }
}

/** Rounds a price to a cent, down for bids and up for asks, so the spread never collapses. */
function roundCents(px: number, direction: 1 | -1): number {
  const cents = direction > 0 ? Math.ceil(px * 100 - 1e-9) : Math.floor(px * 100 + 1e-9);
  return cents / 100;
}
