/** A strategy turns market data into order intents; the router then picks where they go. */
import type { BookTops } from '../market/book-tops.js';
import type { Tick } from '../shm/records.js';

export interface OrderIntent {
  symbolId: number;
  /** 1 buy, -1 sell. */
  side: number;
  qty: number;
  /** Cross-venue mid at decision time. */
  arrivalMid: number;
}

export interface Strategy {
  readonly id: number;
  readonly name: string;
  /** Fills `intent` and returns true when the tick should produce an order. Never allocates. */
  onTick(tick: Tick, book: BookTops, intent: OrderIntent): boolean;
}
