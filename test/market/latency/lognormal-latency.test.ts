import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { createVenueLatencyModel } from '../../../src/market/latency/create-venue-latency-model.js';
import { LogNormalLatency } from '../../../src/market/latency/lognormal-latency.js';
import { LogNormalSpikeLatency } from '../../../src/market/latency/venue-latency-model.js';
import { median, quantile } from './trace-stats.js';

const N = 100_000;

function trace(model: { sampleRoundTripNs(nowNs: number, rng: Random): number }, seed: number) {
  const rng = new Random(seed);
  return Float64Array.from({ length: N }, (_, i) => model.sampleRoundTripNs(i * 1e6, rng));
}

describe('LogNormalLatency', () => {
  it('has its median at the base and its log-space spread at sigma (100k draws)', () => {
    const xs = trace(new LogNormalLatency(250e3, 0.3), 1);
    expect(median(xs) / 250e3).toBeGreaterThan(0.95);
    expect(median(xs) / 250e3).toBeLessThan(1.05);
    // p84 / p50 of a log-normal is e^sigma.
    expect(Math.log(quantile(xs, 0.8413) / median(xs))).toBeCloseTo(0.3, 1);
  });

  it('is a constant with sigma 0', () => {
    const xs = trace(new LogNormalLatency(100e3, 0), 2);
    expect(Math.min(...xs)).toBe(100e3);
    expect(Math.max(...xs)).toBe(100e3);
  });
});

describe('createVenueLatencyModel without the optional sub-objects', () => {
  it('reproduces LogNormalSpikeLatency draw for draw', () => {
    const cfg = { base_us: 250, jitter_sigma: 0.25, spike_prob: 0.01, spike_us: 2000 };
    expect(trace(createVenueLatencyModel(cfg), 7)).toEqual(trace(new LogNormalSpikeLatency(cfg), 7));
  });
});
