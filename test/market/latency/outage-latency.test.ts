import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import {
  isOutageLatency,
  OUTAGE_ROUND_TRIP_NS,
  OutageLatency,
} from '../../../src/market/latency/outage-latency.js';
import { ConstantLatency } from '../../../src/market/latency/venue-latency-model.js';

describe('OutageLatency', () => {
  it('starts outages at about the configured rate and answers orders sent into one in 30 s', () => {
    const m = new OutageLatency(new ConstantLatency(200e3), { perHour: 30, meanNs: 5e9 }, new Random(8));
    const rng = new Random(9);
    const hours = 20;
    let down = 0;
    let orders = 0;
    let unexpected = 0;
    for (let t = 0; t < hours * 3600e9; t += 100e6) {
      const ns = m.sampleRoundTripNs(t, rng);
      orders++;
      if (isOutageLatency(ns)) down++;
      if (ns !== OUTAGE_ROUND_TRIP_NS && ns !== 200e3) unexpected++;
    }
    expect(unexpected).toBe(0);
    // 600 expected; a Poisson count of 600 has sd ~25.
    expect(m.outages).toBeGreaterThan(500);
    expect(m.outages).toBeLessThan(700);
    // Down 30 x 5 s per hour = ~4% of the time.
    expect(down / orders).toBeGreaterThan(0.03);
    expect(down / orders).toBeLessThan(0.055);
    expect(OUTAGE_ROUND_TRIP_NS).toBeGreaterThan(10e9);
  });
});
