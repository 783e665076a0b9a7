import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_S } from '../../src/monitoring/metric-snapshot.js';
import { bucketIndex, bucketLowerNs } from '../../src/shm/duration-histogram.js';

describe('LATENCY_BUCKETS_S', () => {
  it('rises strictly and covers microseconds to outages', () => {
    for (let i = 1; i < LATENCY_BUCKETS_S.length; i++)
      expect(LATENCY_BUCKETS_S[i]).toBeGreaterThan(LATENCY_BUCKETS_S[i - 1]);
    expect(LATENCY_BUCKETS_S[0]).toBeLessThanOrEqual(1e-6);
    expect(LATENCY_BUCKETS_S.at(-1)).toBeGreaterThanOrEqual(30);
    // At least a bucket every ~2x between 5 us and 10 ms, where the pipeline's latencies are.
    const dense = LATENCY_BUCKETS_S.filter((s) => s >= 5e-6 && s <= 1e-2);
    for (let i = 1; i < dense.length; i++) expect(dense[i] / dense[i - 1]).toBeLessThanOrEqual(2);
  });

  it('puts every bound on an edge of the shared histogram, so Prometheus buckets are exact', () => {
    for (const le of LATENCY_BUCKETS_S) {
      const ns = le * 1e9;
      const i = bucketIndex(ns * (1 + 1e-9));
      expect(bucketLowerNs(i) / ns, String(le)).toBeCloseTo(1, 9);
    }
  });
});
