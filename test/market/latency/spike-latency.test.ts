import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { SpikeLatency } from '../../../src/market/latency/spike-latency.js';
import { ConstantLatency } from '../../../src/market/latency/venue-latency-model.js';

const BASE = 100e3;

describe('SpikeLatency', () => {
  it('adds spikes of 0.5-1.5 x spike size with the configured probability', () => {
    const m = new SpikeLatency(new ConstantLatency(BASE), { prob: 0.02, spikeNs: 1e6 });
    const rng = new Random(3);
    let spikes = 0;
    for (let i = 0; i < 100_000; i++) {
      const ns = m.sampleRoundTripNs(i * 1e6, rng);
      if (ns > BASE) {
        spikes++;
        expect(ns - BASE).toBeGreaterThanOrEqual(0.5e6);
        expect(ns - BASE).toBeLessThan(1.5e6);
      }
    }
    expect(spikes / 100_000).toBeGreaterThan(0.018);
    expect(spikes / 100_000).toBeLessThan(0.022);
  });

  it('clusters spikes in bursts: most spikes fall inside the few burst stretches', () => {
    const m = new SpikeLatency(new ConstantLatency(BASE), {
      prob: 0.001,
      spikeNs: 1e6,
      bursts: { perSec: 0.5, meanNs: 200e6, prob: 0.5, rng: new Random(11) },
    });
    const rng = new Random(4);
    // 600 simulated seconds, one order per ms.
    let spikes = 0;
    for (let t = 0; t < 600e9; t += 1e6) if (m.sampleRoundTripNs(t, rng) > BASE) spikes++;
    // ~300 bursts x 0.2 s x 1000 orders/s x 0.5 = ~30k spikes vs ~600 without bursts.
    expect(m.bursts).toBeGreaterThan(250);
    expect(m.bursts).toBeLessThan(350);
    expect(spikes).toBeGreaterThan(20_000);
  });
});
