/** Picks the venue for an order intent (hftbacktest-style: one interface, small implementations). */
import type { BookTops } from '../market/book-tops.js';
import type { ForecastTable } from '../ml/forecast-table.js';
import type { OrderIntent } from '../strategies/strategy.js';

export interface RouteContext {
  readonly book: BookTops;
  readonly forecasts: ForecastTable;
  /** Taker fee per venue, basis points. */
  readonly feeBps: Float64Array;
  /** Venue breakers: a router never picks a venue that is not usable. */
  readonly venues: { venueUsable(venueId: number): boolean };
}

export interface Router {
  readonly name: string;
  /** Venue id for the intent, or -1 when no venue can take it. Never allocates. */
  route(intent: OrderIntent, ctx: RouteContext): number;
}
