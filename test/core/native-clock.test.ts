/**
 * The pipeline clock: with the native addon (built by `npm install`) it reads hrtime's clock
 * without garbage; without it, performance.now() plus an offset. Both count from the same epoch.
 */
import { describe, expect, it } from 'vitest';
import { MonotonicClock } from '../../src/core/clock.js';
import { nativeMonotonicClock } from '../../src/core/native-clock.js';
import { countGcsInChild, distModule } from '../gc-probe.js';

const fill = nativeMonotonicClock();

describe('MonotonicClock', () => {
  it('the install built the native clock (scripts/build-native-clock.mjs)', () => {
    expect(fill).not.toBeNull();
  });

  it.each([
    ['native', fill],
    ['performance.now fallback', null],
  ] as const)('%s: agrees with process.hrtime.bigint since the epoch, never runs backwards', (_, f) => {
    const epoch = process.hrtime.bigint() - 5_000_000n;
    const clock = new MonotonicClock(epoch, f);
    expect(clock.native).toBe(f !== null);
    const before = Number(process.hrtime.bigint() - epoch);
    const read = clock.nowNs();
    const after = Number(process.hrtime.bigint() - epoch);
    // The fallback's offset is calibrated to a few microseconds; the native read is the same clock.
    expect(read).toBeGreaterThanOrEqual(before - 50e3);
    expect(read).toBeLessThanOrEqual(after + 50e3);
    let last = clock.nowNs();
    for (let i = 0; i < 10_000; i++) {
      const t = clock.nowNs();
      expect(t >= last).toBe(true);
      last = t;
    }
  });

  it('native: three million reads collect no garbage; the fallback collects some', () => {
    const gcs = countGcsInChild(CLOCK_READS);
    // 3 M fallback reads box 48 MB of numbers: dozens of scavenges. The native reads box none; one
    // collection may still come from the process itself (seen once in CI on a loaded machine).
    expect(gcs.native).toBeLessThanOrEqual(1);
    expect(gcs.fallback).toBeGreaterThanOrEqual(10);
  });
});

/** Clock reads into a typed cell, with the native clock and without. */
const CLOCK_READS = `
import { MonotonicClock } from '${distModule('src/core/clock.js')}';
import { nativeMonotonicClock } from '${distModule('src/core/native-clock.js')}';
const cell = new Float64Array(1);
const native = new MonotonicClock(process.hrtime.bigint(), nativeMonotonicClock());
const fallback = new MonotonicClock(process.hrtime.bigint(), null);
const ops = {
  native: () => { cell[0] = native.nowNs(); },
  fallback: () => { cell[0] = fallback.nowNs(); },
};
`;
