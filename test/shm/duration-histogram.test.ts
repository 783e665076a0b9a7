import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import {
  bucketIndex,
  bucketLowerNs,
  bucketUpperNs,
  createDurationHistogram,
  DurationHistogram,
  HISTOGRAM_BUCKETS,
} from '../../src/shm/duration-histogram.js';

/** Exact q-quantile with the histogram's rank convention: the ceil(q * n)-th smallest sample. */
function exactQuantile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

function logNormalSamples(seed: number, n: number, medianNs: number, sigma: number): Float64Array {
  const rng = new Random(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.logNormal(medianNs, sigma);
  return out;
}

describe('histogram buckets', () => {
  it('has 90 buckets per decade from 10 ns to 100 s plus an underflow and an overflow bucket', () => {
    expect(HISTOGRAM_BUCKETS).toBe(902);
    expect(bucketLowerNs(1)).toBe(10);
    expect(bucketUpperNs(1)).toBe(11);
    expect(bucketLowerNs(HISTOGRAM_BUCKETS - 2)).toBe(99e9);
    expect(bucketUpperNs(HISTOGRAM_BUCKETS - 2)).toBe(1e11);
    expect(bucketUpperNs(HISTOGRAM_BUCKETS - 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('edges are increasing and contiguous, and each lower edge maps to its own bucket', () => {
    for (let i = 1; i < HISTOGRAM_BUCKETS - 1; i++) {
      expect(bucketUpperNs(i)).toBe(bucketLowerNs(i + 1));
      expect(bucketUpperNs(i)).toBeGreaterThan(bucketLowerNs(i));
      expect(bucketIndex(bucketLowerNs(i))).toBe(i);
      // Relative width at most 10%, so the bucket midpoint is within 5% of any value in it.
      expect((bucketUpperNs(i) - bucketLowerNs(i)) / bucketLowerNs(i)).toBeLessThanOrEqual(0.1 + 1e-12);
    }
  });

  it('puts every v in [10, 1e11) in a bucket with lower <= v < upper (fast-check)', () => {
    fc.assert(
      fc.property(fc.double({ min: 10, max: 1e11, maxExcluded: true, noNaN: true }), (v) => {
        const i = bucketIndex(v);
        expect(i).toBeGreaterThanOrEqual(1);
        expect(i).toBeLessThanOrEqual(HISTOGRAM_BUCKETS - 2);
        expect(bucketLowerNs(i)).toBeLessThanOrEqual(v);
        expect(v).toBeLessThan(bucketUpperNs(i));
      }),
      { numRuns: 20_000 },
    );
  });

  it('holds lower <= v < upper just below and at every bucket edge', () => {
    for (let i = 2; i < HISTOGRAM_BUCKETS - 1; i++) {
      const edge = bucketLowerNs(i);
      for (const v of [edge, edge * (1 - 2 ** -52), edge - 1e-9 * edge, edge * (1 + 2 ** -52)]) {
        const b = bucketIndex(v);
        if (!(bucketLowerNs(b) <= v && v < bucketUpperNs(b))) {
          throw new Error(`v=${v} went to bucket ${b} = [${bucketLowerNs(b)}, ${bucketUpperNs(b)})`);
        }
      }
    }
  });

  it('is monotonic: a larger value never lands in a lower bucket', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2e11, noNaN: true }),
        fc.double({ min: 0, max: 2e11, noNaN: true }),
        (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(bucketIndex(lo)).toBeLessThanOrEqual(bucketIndex(hi));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('sends values below 10 ns, NaN and negatives to bucket 0 and 100 s or more to the last', () => {
    for (const v of [0, 9.999, -5, Number.NaN]) expect(bucketIndex(v)).toBe(0);
    for (const v of [1e11, 5e12, Number.POSITIVE_INFINITY])
      expect(bucketIndex(v)).toBe(HISTOGRAM_BUCKETS - 1);
  });
});

describe('DurationHistogram', () => {
  it('keeps exact count, sum, min and max', () => {
    const h = new DurationHistogram();
    const values = [250, 12_000, 3, 7.5e9, 999_999];
    for (const v of values) h.observe(v);
    expect(h.count).toBe(5);
    expect(h.sumNs).toBe(values.reduce((a, b) => a + b, 0));
    expect(h.minNs).toBe(3);
    expect(h.maxNs).toBe(7.5e9);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('ignores NaN and negative observations but records 0', () => {
    const h = new DurationHistogram();
    h.observe(Number.NaN);
    h.observe(-1);
    h.observe(-Number.MIN_VALUE);
    expect(h.count).toBe(0);
    expect(h.sumNs).toBe(0);
    expect(h.counts.every((c) => c === 0)).toBe(true);
    h.observe(0);
    expect(h.count).toBe(1);
    expect(h.counts[0]).toBe(1);
    expect(h.minNs).toBe(0);
  });

  it('reports 0 for an empty histogram', () => {
    const h = new DurationHistogram();
    expect(h.quantileNs(0.5)).toBe(0);
    expect(h.minNs).toBe(0);
    expect(h.summaryUs()).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, p999: 0, max: 0 });
  });

  // Values below 10 ns share the underflow bucket, so the distributions keep (almost) all mass above it.
  it.each([
    { seed: 1, median: 20_000, sigma: 0.8 },
    { seed: 2, median: 2_000, sigma: 1.5 },
    { seed: 3, median: 3e6, sigma: 0.3 },
  ])(
    'percentiles are within 5 percent of the exact ones (seed $seed, median $median ns, sigma $sigma)',
    ({ seed, median, sigma }) => {
      const samples = logNormalSamples(seed, 200_000, median, sigma);
      const h = new DurationHistogram();
      for (const v of samples) h.observe(v);
      const sorted = Float64Array.from(samples).sort();
      for (const q of [0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
        const exact = exactQuantile(sorted, q);
        const est = h.quantileNs(q);
        expect(Math.abs(est - exact) / exact, `q=${q}: exact ${exact}, histogram ${est}`).toBeLessThanOrEqual(
          0.05,
        );
      }
      expect(h.maxNs).toBe(sorted[sorted.length - 1]);
      expect(h.minNs).toBe(sorted[0]);
    },
  );

  it('merges to the same state as recording everything into one histogram', () => {
    const samples = logNormalSamples(7, 50_000, 40_000, 1.2);
    const all = new DurationHistogram();
    const a = new DurationHistogram();
    const b = new DurationHistogram(createDurationHistogram());
    samples.forEach((v, i) => {
      all.observe(v);
      (i % 3 === 0 ? a : b).observe(v);
    });
    a.merge(b);
    expect(Array.from(a.counts)).toEqual(Array.from(all.counts));
    expect(a.count).toBe(all.count);
    expect(a.sumNs).toBeCloseTo(all.sumNs, -3);
    expect(a.minNs).toBe(all.minNs);
    expect(a.maxNs).toBe(all.maxNs);
    for (const q of [0.5, 0.99]) expect(a.quantileNs(q)).toBe(all.quantileNs(q));
  });

  it('merging an empty histogram changes nothing, and merging into an empty one copies', () => {
    const h = new DurationHistogram();
    h.observe(500);
    h.observe(800);
    h.merge(new DurationHistogram());
    expect([h.count, h.minNs, h.maxNs, h.sumNs]).toEqual([2, 500, 800, 1300]);
    const empty = new DurationHistogram();
    empty.merge(h);
    expect([empty.count, empty.minNs, empty.maxNs, empty.sumNs]).toEqual([2, 500, 800, 1300]);
  });

  it('shares state through its buffer with another view (the writer and reader threads)', () => {
    const handle = createDurationHistogram();
    const writer = new DurationHistogram(handle);
    const reader = new DurationHistogram(handle);
    for (let v = 1000; v <= 100_000; v += 1000) writer.observe(v);
    expect(reader.count).toBe(100);
    expect(reader.maxNs).toBe(100_000);
    expect(Math.abs(reader.quantileNs(0.5) - 50_000) / 50_000).toBeLessThanOrEqual(0.05);
  });

  it('counts whole buckets at or below a bound', () => {
    const h = new DurationHistogram();
    for (const v of [50, 99, 100, 150, 1000, 1e6]) h.observe(v);
    expect(h.countAtOrBelow(100)).toBe(2);
    expect(h.countAtOrBelow(1000)).toBe(4);
    expect(h.countAtOrBelow(1e12)).toBe(6);
  });

  it('reset empties counts and stats', () => {
    const h = new DurationHistogram();
    for (let i = 0; i < 10; i++) h.observe(i * 100);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.counts.every((c) => c === 0)).toBe(true);
    h.observe(42);
    expect(h.minNs).toBe(42);
    expect(h.maxNs).toBe(42);
  });
});
