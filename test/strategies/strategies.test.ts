import { describe, expect, it } from 'vitest';
import { BookTops } from '../../src/market/book-tops.js';
import { OrderType } from '../../src/shm/records.js';
import { ArbitrageStrategy } from '../../src/strategies/arbitrage-strategy.js';
import { MarketMakingStrategy } from '../../src/strategies/market-making-strategy.js';
import { MomentumStrategy } from '../../src/strategies/momentum-strategy.js';
import { createIntent } from '../../src/strategies/strategy.js';
import { quoteTick } from '../fixtures.js';

const intents = () => [createIntent(), createIntent()];
const noPosition = { position: () => 0 };

function book(quotes: [venue: number, bid: number, ask: number, qty?: number][]) {
  const b = new BookTops(1, 3);
  for (const [v, bid, ask, qty] of quotes) b.update(quoteTick(0, v, bid, ask, qty ?? 100));
  return b;
}

describe('ArbitrageStrategy', () => {
  it('buys the cheap venue and sells the rich one at their quotes when the edge beats fees', () => {
    const s = new ArbitrageStrategy(1, {
      thresholdBps: 1,
      cooldownNs: 0,
      orderQty: 100,
      feeBps: Float64Array.of(0.5, 0.5, 0.5),
    });
    const b = book([
      [0, 99.98, 100.0, 60],
      [1, 100.05, 100.07, 80],
      [2, 99.99, 100.02],
    ]);
    const out = intents();
    expect(s.onTick(quoteTick(0, 1, 100.05, 100.07), b, out, noPosition)).toBe(2);
    expect(out[0]).toMatchObject({ side: 1, venueId: 0, limitPx: 100.0, qty: 60, type: OrderType.limitIoc });
    expect(out[1]).toMatchObject({
      side: -1,
      venueId: 1,
      limitPx: 100.05,
      qty: 60,
      type: OrderType.limitIoc,
    });
  });

  it('does nothing when fees eat the edge, or within the cooldown', () => {
    const fees = new ArbitrageStrategy(1, {
      thresholdBps: 0,
      cooldownNs: 0,
      orderQty: 100,
      feeBps: Float64Array.of(3, 3, 3),
    });
    const b = book([
      [0, 99.98, 100.0],
      [1, 100.05, 100.07],
    ]);
    expect(fees.onTick(quoteTick(0, 1, 100.05, 100.07), b, intents(), noPosition)).toBe(0);
    const cool = new ArbitrageStrategy(1, {
      thresholdBps: 0,
      cooldownNs: 1e9,
      orderQty: 100,
      feeBps: Float64Array.of(0, 0, 0),
    });
    const t = Object.assign(quoteTick(0, 1, 100.05, 100.07), { recvTsNs: 5 });
    expect(cool.onTick(t, b, intents(), noPosition)).toBe(2);
    expect(cool.onTick(Object.assign(t, { recvTsNs: 6 }), b, intents(), noPosition)).toBe(0);
  });
});

describe('MarketMakingStrategy', () => {
  const params = {
    halfSpreadBps: 5,
    skewBps: 2,
    quoteTtlNs: 1e6,
    orderQty: 100,
    maxPositionQty: 300,
    feeBps: Float64Array.of(1, 0.2, 0.5),
  };
  const b = book([
    [0, 99.99, 100.01],
    [1, 99.99, 100.01],
    [2, 99.99, 100.01],
  ]);

  it('quotes both sides around the mid on the cheapest venue, as resting GTC orders', () => {
    const s = new MarketMakingStrategy(1, params);
    const out = intents();
    expect(
      s.onTick(Object.assign(quoteTick(0, 0, 99.99, 100.01), { recvTsNs: 10 }), b, out, noPosition),
    ).toBe(2);
    expect(out[0]).toMatchObject({
      side: 1,
      venueId: 1,
      limitPx: 99.95,
      type: OrderType.limitGtc,
      ttlNs: 1e6,
    });
    expect(out[1]).toMatchObject({ side: -1, venueId: 1, limitPx: 100.05, type: OrderType.limitGtc });
    // No requote while the quotes live.
    expect(
      s.onTick(Object.assign(quoteTick(0, 0, 99.99, 100.01), { recvTsNs: 500_000 }), b, out, noPosition),
    ).toBe(0);
  });

  it('skews both quotes against inventory and stops adding to a position at its limit', () => {
    const s = new MarketMakingStrategy(1, params);
    const out = intents();
    const long = { position: () => 200 }; // two lots: 4 bps lower
    expect(s.onTick(quoteTick(0, 0, 99.99, 100.01), b, out, long)).toBe(2);
    expect(out[0].limitPx).toBe(99.91);
    expect(out[1].limitPx).toBe(100.01);
    const s2 = new MarketMakingStrategy(1, params);
    expect(s2.onTick(quoteTick(0, 0, 99.99, 100.01), b, out, { position: () => 300 })).toBe(1);
    expect(out[0].side).toBe(-1);
  });
});

describe('MomentumStrategy directions', () => {
  it('momentum follows a rising mid, mean reversion fades it', () => {
    const mom = new MomentumStrategy(1, { thresholdBps: 1, cooldownNs: 0, orderQty: 100, direction: 1 });
    const rev = new MomentumStrategy(1, { thresholdBps: 1, cooldownNs: 0, orderQty: 100, direction: -1 });
    const sides: number[][] = [[], []];
    for (let i = 0; i < 20; i++) {
      const px = 100 + i * 0.05;
      const b = book([[0, px - 0.01, px + 0.01]]);
      const t = quoteTick(0, 0, px - 0.01, px + 0.01);
      const o1 = intents();
      const o2 = intents();
      if (mom.onTick(t, b, o1, noPosition)) sides[0].push(o1[0].side);
      if (rev.onTick(t, b, o2, noPosition)) sides[1].push(o2[0].side);
    }
    expect(sides[0].length).toBeGreaterThan(0);
    expect(new Set(sides[0])).toEqual(new Set([1]));
    expect(new Set(sides[1])).toEqual(new Set([-1]));
    expect(rev.name).toBe('mean-reversion');
  });
});
