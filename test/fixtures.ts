/** Small generated fixtures shared by the stage tests. */

import type { VenueConfig } from '../src/config/config-types.js';
import { ManualClock } from '../src/core/clock.js';
import { Registry } from '../src/core/registry.js';
import type { BookTops } from '../src/market/book-tops.js';
import { createQuoteTable, QuoteTable } from '../src/market/quote-table.js';
import { createPipelineMetrics, PipelineMetrics } from '../src/run-state/pipeline-metrics.js';
import { type Tick, TickCodec, TickFlag } from '../src/shm/records.js';
import type { OrderIntent } from '../src/strategies/strategy.js';

export function venue(name: string, feeBps = 0.2, baseUs = 100): VenueConfig {
  return {
    name,
    fee_bps: feeBps,
    spread_bps: 1,
    depth: 500,
    noise_bps: 0.5,
    latency: { base_us: baseUs, jitter_sigma: 0, spike_prob: 0, spike_us: 0 },
  };
}

export interface StageFixture {
  registry: Registry;
  metrics: PipelineMetrics;
  quotes: QuoteTable;
  clock: ManualClock;
}

export function stageFixture(symbols = ['AAPL', 'MSFT'], venues = ['A', 'B', 'C']): StageFixture {
  const registry = new Registry({ symbols, venues });
  const metrics = new PipelineMetrics(createPipelineMetrics(registry.toData(), ['test']));
  const quotes = new QuoteTable(createQuoteTable(symbols.length, venues.length), venues.length);
  return { registry, metrics, quotes, clock: new ManualClock(1_000_000) };
}

export function quoteTick(
  symbolId: number,
  venueId: number,
  bidPx: number,
  askPx: number,
  qty = 100,
  tsNs = 1,
): Tick {
  const t = TickCodec.create();
  Object.assign(t, {
    symbolId,
    venueId,
    bidPx,
    askPx,
    bidQty: qty,
    askQty: qty,
    exchTsNs: tsNs,
    flags: TickFlag.quote,
  });
  return t;
}

/**
 * Fills `intent` with an IOC on symbol 0 for the router to place (venueId -1), at the book's
 * mid as arrival price: what the test strategies emit.
 */
export function routedIntent(intent: OrderIntent, book: BookTops, side: number, qty: number): void {
  Object.assign(intent, {
    symbolId: 0,
    side,
    qty,
    arrivalMid: book.mid(0),
    venueId: -1,
    limitPx: 0,
    type: 1,
    ttlNs: 0,
  });
}

/** A test's partial record: ids as plain numbers (the registry's typed ids are for src/). */
export type RecordPatch<R> = { [K in keyof R]?: number };
