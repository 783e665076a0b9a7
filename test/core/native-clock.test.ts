/**
 * The pipeline clock: with the native addon (built by `npm install`) it reads hrtime's clock
 * without garbage; without it, performance.now() plus an offset. Both count from the same epoch.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MonotonicClock } from '../../src/core/clock.js';
import { nativeMonotonicClock } from '../../src/core/native-clock.js';

const ROOT = resolve(import.meta.dirname, '../..');
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
    // In a child process of its own: the test runner's own traffic would collect garbage too.
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', GC_PROBE], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const gcs = JSON.parse(r.stdout) as { native: number; fallback: number };
    // 3 M fallback reads box 48 MB of numbers: dozens of scavenges. The native reads box none; one
    // collection may still come from the process itself (seen once in CI on a loaded machine).
    expect(gcs.native).toBeLessThanOrEqual(1);
    expect(gcs.fallback).toBeGreaterThanOrEqual(10);
  });
});

/** Counts GCs during 3 M clock reads into a typed cell, with the native clock and without. */
const GC_PROBE = `
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MonotonicClock } from '${pathToFileURL(resolve(ROOT, 'dist/src/core/clock.js')).href}';
import { nativeMonotonicClock } from '${pathToFileURL(resolve(ROOT, 'dist/src/core/native-clock.js')).href}';
const out = {};
for (const [name, fill] of [['native', nativeMonotonicClock()], ['fallback', null]]) {
  const clock = new MonotonicClock(process.hrtime.bigint(), fill);
  const cell = new Float64Array(1);
  const loop = () => { for (let i = 0; i < 1e6; i++) cell[0] = clock.nowNs(); };
  loop(); loop();
  let gcs = 0;
  const obs = new PerformanceObserver((list) => { gcs += list.getEntries().length; });
  obs.observe({ entryTypes: ['gc'] });
  loop(); loop(); loop();
  await new Promise((r) => setTimeout(r, 20));
  obs.disconnect();
  out[name] = gcs;
}
console.log(JSON.stringify(out));
`;
