import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { LoadDependentLatency } from '../../../src/market/latency/load-dependent-latency.js';
import { LogNormalLatency } from '../../../src/market/latency/lognormal-latency.js';
import { median } from './trace-stats.js';

/** Median latency and the estimated order rate when sending Poisson orders at `ratePerSec` for 30 s. */
function run(ratePerSec: number): { p50: number; rateHz: number } {
  const m = new LoadDependentLatency(new LogNormalLatency(400e3, 0.2), {
    refOrdersPerSec: 50,
    slope: 0.7,
    windowNs: 1e9,
  });
  const rng = new Random(12);
  const xs: number[] = [];
  for (let t = 0; t < 30e9; t += rng.exponential(1e9 / ratePerSec)) {
    const ns = m.sampleRoundTripNs(t, rng);
    if (t > 5e9) xs.push(ns); // after the rate estimate has warmed up
  }
  return { p50: median(xs), rateHz: m.orderRateHz };
}

describe('LoadDependentLatency', () => {
  it('leaves latency alone below the reference rate', () => {
    const r = run(20);
    expect(r.p50 / 400e3).toBeGreaterThan(0.93);
    expect(r.p50 / 400e3).toBeLessThan(1.07);
  });

  it('estimates the order rate and raises the median with it', () => {
    const low = run(100);
    const high = run(400);
    expect(low.rateHz).toBeGreaterThan(60);
    expect(low.rateHz).toBeLessThan(140);
    expect(high.p50).toBeGreaterThan(1.5 * low.p50);
    // (400 / 50)^0.7 = 4.3: the median follows the power law within the estimate's noise.
    expect(high.p50 / 400e3).toBeGreaterThan(3.5);
    expect(high.p50 / 400e3).toBeLessThan(5.2);
  });
});
