import { describe, expect, it } from 'vitest';
import { createIocFill, executionBpsShares, matchIoc } from '../../../src/venues/models/ioc-match.js';

describe('matchIoc', () => {
  it('fills a buy up to the touch size at the touch when it is at or inside the limit', () => {
    const f = matchIoc(1, 300, 19001, 19001, 200, 0, createIocFill());
    expect(f).toEqual({ filledQty: 200, fillTicks: 19001 });
  });

  it('gives a buy the price improvement of a touch below its limit, and a sell above', () => {
    expect(matchIoc(1, 100, 19002, 19000, 500, 0, createIocFill()).fillTicks).toBe(19000);
    expect(matchIoc(-1, 100, 18998, 19000, 500, 0, createIocFill()).fillTicks).toBe(19000);
  });

  it('misses when the touch moved through the limit', () => {
    expect(matchIoc(1, 100, 19001, 19002, 500, 0, createIocFill()).filledQty).toBe(0);
    expect(matchIoc(-1, 100, 19001, 19000, 500, 0, createIocFill()).filledQty).toBe(0);
  });

  it('does not fill shares our own earlier order already took from the same touch', () => {
    expect(matchIoc(1, 300, 19001, 19001, 400, 250, createIocFill()).filledQty).toBe(150);
    expect(matchIoc(1, 300, 19001, 19001, 400, 400, createIocFill()).filledQty).toBe(0);
  });
});

describe('executionBpsShares', () => {
  it('scores filled shares against the arrival mid net of the fee, and missed shares at the retake price', () => {
    // Buy 100 with mid0 = 10000 ticks: 60 filled at 10001 (1 bp above), fee 0.2 bp; 40 retaken at
    // cost 10003 + 0.3 bp fee in ticks.
    const fill = { filledQty: 60, fillTicks: 10001 };
    const retake = 10003 + (10003 * 0.3) / 1e4;
    const bps = executionBpsShares(1, 100, fill, 0.2, retake, 10000);
    expect(bps).toBeCloseTo(60 * (-1 - 0.2) + 40 * -(3 + 0.30009), 6);
  });

  it('mirrors for a sell', () => {
    const fill = { filledQty: 100, fillTicks: 9999 };
    expect(executionBpsShares(-1, 100, fill, 0, 0, 10000)).toBeCloseTo(-100, 9);
  });
});
