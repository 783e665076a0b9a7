import { describe, expect, it } from 'vitest';
import { IngestStage } from '../../src/market/ingest-stage.js';
import { quoteTick, stageFixture } from '../fixtures.js';

function setup() {
  const f = stageFixture();
  const stage = new IngestStage(f.registry.symbolCount, f.registry.venueCount, f.quotes, f.clock, f.metrics);
  return { ...f, stage, count: (name: string) => f.metrics.counters.byName(name) };
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
});
