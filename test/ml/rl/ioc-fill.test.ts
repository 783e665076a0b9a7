import { describe, expect, it } from 'vitest';
import { createFillOutcome, type FillCosts, simulateIoc } from '../../../src/ml/rl/ioc-fill.js';
import type { MarketTape } from '../../../src/ml/rl/market-tape.js';

/** One venue whose ask steps from 100.01 to `askAfter` at t = 100 us; the cross mid moves with it. */
function tape(askAfter: number, qtyAfter: number): MarketTape {
  const q = {
    tsNs: Float64Array.of(0, 100e3),
    bidPx: Float64Array.of(99.99, askAfter - 0.02),
    askPx: Float64Array.of(100.01, askAfter),
    bidQty: Float64Array.of(500, 500),
    askQty: Float64Array.of(500, qtyAfter),
    length: 2,
  };
  return {
    venues: [q],
    indexAt: (_v: number, t: number) => (t >= 100e3 ? 1 : 0),
    midAt: (t: number) => (t >= 100e3 ? askAfter - 0.01 : 100),
  } as unknown as MarketTape;
}

const costs: FillCosts = { missPenaltyBps: 1, timeoutPenaltyBps: 5, timeoutNs: 1e6 };

describe('simulateIoc', () => {
  it('fills at the ask found on arrival, up to its size, and charges the rest the move plus a penalty', () => {
    // Sent at 0 with limit 100.01; arrives at 150 us (round trip 300 us) to find 100.00 x 60.
    const out = simulateIoc(
      tape(100.0, 60),
      0,
      1,
      100,
      100.01,
      0,
      300e3,
      100,
      0.3,
      costs,
      createFillOutcome(),
    );
    expect(out.filledQty).toBe(60);
    expect(out.fillPx).toBe(100.0);
    const filledBps = 60 * ((100 - 100.0) * 100 - 0.3); // 0 bps price, 0.3 fee
    const missedBps = 40 * ((99.99 - 100) * 100 + 1); // the mid fell 1 bp: a buyer gains it back, pays the penalty
    expect(out.bpsShares).toBeCloseTo(filledBps - missedBps, 9);
    expect(out.answerNs).toBe(300e3);
  });

  it('misses when the ask moved above the limit while the order was in flight', () => {
    const out = simulateIoc(
      tape(100.03, 500),
      0,
      1,
      100,
      100.01,
      0,
      300e3,
      100,
      0.3,
      costs,
      createFillOutcome(),
    );
    expect(out.filledQty).toBe(0);
    // Mid moved +2 bps against the buyer: -(2 + 1 penalty) bps per share.
    expect(out.bpsShares / 100).toBeCloseTo(-3, 6);
  });

  it('an order that arrives before the move fills at the old ask', () => {
    const out = simulateIoc(
      tape(100.03, 500),
      0,
      1,
      100,
      100.01,
      0,
      100e3,
      100,
      0.3,
      costs,
      createFillOutcome(),
    );
    expect(out.filledQty).toBe(100);
    expect(out.bpsShares / 100).toBeCloseTo(-1 - 0.3, 6);
  });

  it('a round trip beyond the timeout is a timeout with its own penalty', () => {
    const out = simulateIoc(
      tape(100.03, 500),
      0,
      -1,
      100,
      99.99,
      0,
      30e9,
      100,
      0.3,
      costs,
      createFillOutcome(),
    );
    expect(out.timedOut).toBe(true);
    expect(out.filledQty).toBe(0);
    expect(out.answerNs).toBe(1e6);
    // Seller: the mid rose 2 bps, in the seller's favour, less the 5 bps timeout penalty.
    expect(out.bpsShares / 100).toBeCloseTo(2 - 5, 6);
  });
});
