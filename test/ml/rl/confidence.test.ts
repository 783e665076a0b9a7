import { describe, expect, it } from 'vitest';
import { meanCi } from '../../../src/ml/rl/confidence.js';

describe('meanCi', () => {
  it('is the Student-t 95% interval of the mean', () => {
    // mean 3, sample sd sqrt(2.5), n 5: t(0.975, 4) = 2.776.
    const r = meanCi([1, 2, 3, 4, 5]);
    expect(r.mean).toBe(3);
    expect(r.ci95).toBeCloseTo((2.776 * Math.sqrt(2.5)) / Math.sqrt(5), 9);
    expect(r.lo).toBeCloseTo(3 - r.ci95, 12);
  });

  it('has no interval for one sample and uses 1.96 for many', () => {
    expect(Number.isNaN(meanCi([1]).ci95)).toBe(true);
    const xs = Array.from({ length: 100 }, (_, i) => i % 2);
    const sd = Math.sqrt((100 * 0.25) / 99);
    expect(meanCi(xs).ci95).toBeCloseTo((1.96 * sd) / 10, 9);
  });
});
