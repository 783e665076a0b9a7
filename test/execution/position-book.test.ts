import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PositionBook } from '../../src/execution/position-book.js';

describe('PositionBook', () => {
  it('computes realised P&L with average cost through a flip', () => {
    const b = new PositionBook(1, 1_000_000);
    b.applyFill(0, 1, 100, 10, 1); // long 100 @ 10
    b.applyFill(0, 1, 100, 12, 1); // long 200 @ 11
    expect(b.avgPx[0]).toBe(11);
    b.applyFill(0, -1, 300, 13, 1); // close 200 (+400), short 100 @ 13
    expect(b.realized[0]).toBe(400);
    expect(b.position[0]).toBe(-100);
    expect(b.avgPx[0]).toBe(13);
    expect(b.unrealized(0, 12)).toBe(100);
    expect(b.totalFees()).toBe(3);
    expect(b.cash).toBe(1_000_000 - 1000 - 1200 + 3900 - 3);
  });

  it('keeps cash + position * mark == initial + realised + unrealised - fees at every step', () => {
    const fill = fc.record({
      side: fc.constantFrom(1, -1),
      qty: fc.integer({ min: 1, max: 500 }),
      cents: fc.integer({ min: 1000, max: 20000 }),
      feeCents: fc.integer({ min: 0, max: 50 }),
      markCents: fc.integer({ min: 1000, max: 20000 }),
    });
    fc.assert(
      fc.property(fc.array(fill, { minLength: 1, maxLength: 60 }), (fills) => {
        const b = new PositionBook(1, 100_000);
        for (const f of fills) {
          b.applyFill(0, f.side, f.qty, f.cents / 100, f.feeCents / 100);
          const mark = f.markCents / 100;
          const lhs = b.cash + b.position[0] * mark;
          const rhs = 100_000 + b.realized[0] + b.unrealized(0, mark) - b.fees[0];
          expect(Math.abs(lhs - rhs)).toBeLessThan(0.005);
        }
      }),
    );
  });
});
