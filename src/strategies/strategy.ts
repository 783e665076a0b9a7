/**
 * A strategy turns market data into order intents. A taker intent leaves the venue to the router;
 * arbitrage and market making pick their own venue and price.
 */
import type { BookTops } from '../market/book-tops.js';
import type { Tick } from '../shm/records.js';

export interface OrderIntent {
  symbolId: number;
  /** 1 buy, -1 sell. */
  side: number;
  qty: number;
  /** Cross-venue mid at decision time. */
  arrivalMid: number;
  /** Venue chosen by the strategy; -1 lets the router choose. */
  venueId: number;
  /** Limit price chosen by the strategy; 0 = the chosen venue's quote (marketable). */
  limitPx: number;
  /** OrderType. */
  type: number;
  /** How long a passive order rests at the venue, ns (0 for IOC). */
  ttlNs: number;
}

export function createIntent(): OrderIntent {
  return { symbolId: 0, side: 0, qty: 0, arrivalMid: 0, venueId: -1, limitPx: 0, type: 1, ttlNs: 0 };
}

/** Read-only state a strategy may use besides the book. */
export interface StrategyContext {
  /** Current position in shares (published by risk; a few ms old at most). */
  position(symbolId: number): number;
}

export interface Strategy {
  readonly id: number;
  readonly name: string;
  /**
   * Writes up to `intents.length` intents for this tick and returns how many. Never allocates.
   * The intents are reused: set every field.
   */
  onTick(tick: Tick, book: BookTops, intents: OrderIntent[], ctx: StrategyContext): number;
}

/** The largest number of intents any strategy returns for one tick. */
export const MAX_INTENTS_PER_TICK = 2;
