/**
 * Park timeouts come from a table of numbers boxed once: rounded up to their step, capped, and
 * handed to Atomics.wait without a new heap number per park.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PARK_NS, parkTimeoutMs } from '../../src/shm/park-timeouts.js';
import { countGcsInChild, distModule } from '../gc-probe.js';

describe('parkTimeoutMs', () => {
  it('rounds a wait up to its step (2 us to 1 ms, 20 us to MAX_PARK_NS), exact above', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 2 * MAX_PARK_NS, noNaN: true }), (waitNs) => {
        const ns = parkTimeoutMs(waitNs) * 1e6;
        const step = waitNs > MAX_PARK_NS ? 0 : waitNs > 1e6 ? 20_000 : 2_000;
        expect(ns).toBeGreaterThanOrEqual(Math.max(waitNs, 2_000) - 1e-6);
        expect(ns).toBeLessThanOrEqual(waitNs + step + 1e-6);
      }),
    );
    expect(parkTimeoutMs(0)).toBe(0.002);
    expect(parkTimeoutMs(Number.NaN)).toBe(0.002);
    expect(parkTimeoutMs(1e6)).toBe(1);
    expect(parkTimeoutMs(MAX_PARK_NS)).toBe(MAX_PARK_NS / 1e6);
    expect(parkTimeoutMs(5e9)).toBe(5000);
  });

  it('three million parks box no timeout; computed timeouts do', () => {
    const gcs = countGcsInChild(PARKS, ['--max-semi-space-size=1']);
    // 3 M computed timeouts box 48 MB: dozens of scavenges. The table boxes none; one collection
    // may still come from the process itself.
    expect(gcs.table).toBeLessThanOrEqual(1);
    expect(gcs.computed).toBeGreaterThanOrEqual(10);
  });
});

/** Atomics.wait calls that return at once (the value differs), with each kind of timeout. */
const PARKS = `
import { parkTimeoutMs } from '${distModule('src/shm/park-timeouts.js')}';
const words = new Int32Array(new SharedArrayBuffer(8));
const ops = {
  table: (i) => Atomics.wait(words, 0, 1, parkTimeoutMs(1000 + (i % 5000) * 997)),
  computed: (i) => Atomics.wait(words, 0, 1, (1000 + (i % 5000) * 997) / 1e6),
};
`;
