import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { Regime, RegimeSwitchingLatency } from '../../../src/market/latency/regime-switching-latency.js';
import { median } from './trace-stats.js';

describe('RegimeSwitchingLatency', () => {
  it('switches regime within a simulated 60 s run and shows the congested median', () => {
    const m = new RegimeSwitchingLatency(
      {
        normalMedianNs: 300e3,
        normalSigma: 0.1,
        congestedMedianNs: 3e6,
        congestedSigma: 0.3,
        enterPerSec: 0.2,
        exitPerSec: 0.5,
      },
      new Random(5),
    );
    const rng = new Random(6);
    const normal: number[] = [];
    const congested: number[] = [];
    for (let t = 0; t < 60e9; t += 2e6) {
      const ns = m.sampleRoundTripNs(t, rng);
      (m.regimeAt(t) === Regime.congested ? congested : normal).push(ns);
    }
    expect(m.congestions).toBeGreaterThan(0);
    expect(congested.length).toBeGreaterThan(1000);
    expect(median(congested) / 3e6).toBeGreaterThan(0.95);
    expect(median(congested) / 3e6).toBeLessThan(1.05);
    expect(median(normal) / 300e3).toBeGreaterThan(0.95);
    expect(median(normal) / 300e3).toBeLessThan(1.05);
  });
});
