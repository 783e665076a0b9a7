import { describe, expect, it } from 'vitest';
import { IngestStage } from '../../src/market/ingest-stage.js';
import { type Tick, TickCodec, TickFlag } from '../../src/shm/records.js';
import { quoteTick, stageFixture } from '../fixtures.js';

function setup() {
  const f = stageFixture();
  const stage = new IngestStage(f.registry.symbolCount, f.registry.venueCount, f.quotes, f.clock, f.metrics);
  return { ...f, stage, count: (name: string) => f.metrics.counters.byName(name) };
}

/** A trade as the Finnhub source emits it: no quote (bid/ask 0), last price and size set. */
function tradeTick(symbolId: number, venueId: number, lastPx: number, lastQty: number, tsNs = 1): Tick {
  return Object.assign(TickCodec.create(), {
    symbolId,
    venueId,
    lastPx,
    lastQty,
    exchTsNs: tsNs,
    flags: TickFlag.trade,
  });
}

describe('IngestStage', () => {
  it('accepts a valid quote, stamps receive and ingest times, and publishes it to the quote table', () => {
    const { stage, quotes, clock } = setup();
    clock.set(5_000);
    const t = quoteTick(1, 2, 99.99, 100.01);
    expect(stage.onTick(t)).toBe(true);
    expect(t.recvTsNs).toBe(5_000);
    expect(t.ingestTsNs).toBe(5_000);
    const row = new Float64Array(5);
    expect(quotes.read(1, 2, row)).toBe(true);
    expect([row[0], row[1]]).toEqual([99.99, 100.01]);
    expect(quotes.referenceMid(1)).toBeCloseTo(100, 10);
  });

  it.each([
    ['unknown_symbol', { symbolId: 7 }],
    ['unknown_symbol', { symbolId: -1 }],
    ['unknown_venue', { venueId: 3 }],
    ['bad_price', { bidPx: Number.NaN }],
    ['bad_price', { askPx: Number.POSITIVE_INFINITY }],
    ['bad_price', { bidPx: 0 }],
    ['bad_price', { bidPx: -1 }],
    ['crossed_quote', { bidPx: 100.02, askPx: 100.01 }],
    ['crossed_quote', { bidPx: 100, askPx: 100 }],
    ['bad_quantity', { bidQty: -5 }],
    ['bad_quantity', { askQty: Number.NaN }],
  ])('rejects %s (%o), counts the reason and leaves the quote table untouched', (reason, patch) => {
    const { stage, quotes, count } = setup();
    const t = Object.assign(quoteTick(0, 0, 99.99, 100.01), patch);
    expect(stage.onTick(t)).toBe(false);
    expect(count(`tick_reject_${reason}`)).toBe(1);
    expect(count('ticks_rejected')).toBe(1);
    expect(count('ticks_received')).toBe(1);
    expect(Number.isNaN(quotes.referenceMid(0))).toBe(true);
  });

  it('rejects a tick older than the last one accepted for the same symbol and venue', () => {
    const { stage, count, quotes } = setup();
    expect(stage.onTick(quoteTick(0, 0, 10, 10.02, 100, 2_000))).toBe(true);
    expect(stage.onTick(quoteTick(0, 0, 11, 11.02, 100, 1_000))).toBe(false);
    expect(count('tick_reject_out_of_order')).toBe(1);
    expect(quotes.referenceMid(0)).toBeCloseTo(10.01, 10);
    // Another venue has its own sequence.
    expect(stage.onTick(quoteTick(0, 1, 10, 10.02, 100, 1_000))).toBe(true);
  });

  it('accepts trade ticks on last price and size, with no quote and zero size (a price update)', () => {
    const { stage, count, clock } = setup();
    clock.set(7_000);
    const t = tradeTick(1, 2, 190.12, 100, 2_000);
    expect(stage.onTick(t)).toBe(true);
    expect(t.recvTsNs).toBe(7_000);
    expect(t.ingestTsNs).toBe(7_000);
    expect(stage.onTick(tradeTick(1, 2, 190.13, 0, 3_000))).toBe(true);
    expect(count('ticks_rejected')).toBe(0);
    expect(count('venue_2_ticks')).toBe(2);
  });

  it.each([
    ['bad_price', { lastPx: 0 }],
    ['bad_price', { lastPx: -190 }],
    ['bad_price', { lastPx: Number.NaN }],
    ['bad_price', { lastPx: Number.POSITIVE_INFINITY }],
    ['bad_quantity', { lastQty: -1 }],
    ['bad_quantity', { lastQty: Number.NaN }],
    ['bad_quantity', { lastQty: Number.POSITIVE_INFINITY }],
    ['unknown_symbol', { symbolId: 9 }],
    ['unknown_venue', { venueId: -1 }],
  ])('rejects a trade with %s (%o) and counts the reason', (reason, patch) => {
    const { stage, count } = setup();
    expect(stage.onTick(Object.assign(tradeTick(0, 0, 190, 10), patch))).toBe(false);
    expect(count(`tick_reject_${reason}`)).toBe(1);
    expect(count('ticks_rejected')).toBe(1);
  });

  it('rejects a trade older than the last tick accepted for the same symbol and venue', () => {
    const { stage, count } = setup();
    expect(stage.onTick(tradeTick(0, 0, 190, 10, 2_000))).toBe(true);
    expect(stage.onTick(tradeTick(0, 0, 191, 10, 1_000))).toBe(false);
    expect(count('tick_reject_out_of_order')).toBe(1);
  });
});

describe('IngestStage with trades', () => {
  it('passes a valid trade on but leaves the reference quote alone', () => {
    const { stage, quotes } = setup();
    expect(stage.onTick(quoteTick(0, 0, 189.99, 190.01))).toBe(true);
    const trade = Object.assign(quoteTick(0, 1, 0, 0), { flags: TickFlag.trade, lastPx: 190.5, lastQty: 10 });
    expect(stage.onTick(trade)).toBe(true);
    expect(quotes.referenceMid(0)).toBeCloseTo(190, 10);
  });
});

describe('IngestStage with a trade that also updates the quote', () => {
  it('checks both the trade and the quote', () => {
    const { stage, count } = setup();
    const both = TickFlag.quote | TickFlag.trade;
    const ok = Object.assign(quoteTick(0, 0, 99.99, 100.01), { flags: both, lastPx: 100.01, lastQty: 5 });
    expect(stage.onTick(ok)).toBe(true);
    const crossed = Object.assign(quoteTick(0, 1, 100.02, 100.01), {
      flags: both,
      lastPx: 100.01,
      lastQty: 5,
    });
    expect(stage.onTick(crossed)).toBe(false);
    expect(count('tick_reject_crossed_quote')).toBe(1);
  });
});
