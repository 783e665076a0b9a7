import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { TwoStateMarkov } from '../../../src/market/latency/two-state-markov.js';

describe('TwoStateMarkov', () => {
  it('spends the stationary fraction of time in state 1', () => {
    const m = new TwoStateMarkov(0.5, 2, new Random(1));
    let inOne = 0;
    const steps = 1_000_000;
    for (let i = 0; i < steps; i++) inOne += m.at(i * 10e6); // 10,000 s at 10 ms
    expect(m.stationaryP1).toBeCloseTo(0.2, 10);
    expect(inOne / steps).toBeGreaterThan(0.17);
    expect(inOne / steps).toBeLessThan(0.23);
    expect(m.entries).toBeGreaterThan(3500); // ~0.4 entries per second
  });

  it('has a timeline that does not depend on how often it is asked', () => {
    const a = new TwoStateMarkov(1, 1, new Random(9));
    const b = new TwoStateMarkov(1, 1, new Random(9));
    const everySecond: number[] = [];
    for (let t = 0; t <= 100e9; t += 1e6) {
      const s = a.at(t); // asked every ms
      if (t % 1e9 === 0) everySecond.push(s);
    }
    for (let k = 0; k <= 100; k++) expect(b.at(k * 1e9)).toBe(everySecond[k]); // asked every second
    expect(a.entries).toBeGreaterThan(10);
  });

  it('never leaves state 0 with an enter rate of 0', () => {
    const m = new TwoStateMarkov(0, 1, new Random(2));
    for (let t = 0; t < 1e12; t += 1e9) expect(m.at(t)).toBe(0);
  });
});
