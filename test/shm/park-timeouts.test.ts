/**
 * Park timeouts come from a table of numbers boxed once: rounded up to their step, capped, and
 * handed to Atomics.wait without a new heap number per park.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PARK_NS, parkTimeoutMs } from '../../src/shm/park-timeouts.js';

const ROOT = resolve(import.meta.dirname, '../..');

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
    // A child process of its own with a 1 MB semi-space: the runner's own traffic would collect too.
    const r = spawnSync(
      process.execPath,
      ['--max-semi-space-size=1', '--input-type=module', '-e', GC_PROBE],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const gcs = JSON.parse(r.stdout) as { table: number; computed: number };
    // 3 M computed timeouts box 48 MB: dozens of scavenges. The table boxes none; one collection
    // may still come from the process itself.
    expect(gcs.table).toBeLessThanOrEqual(1);
    expect(gcs.computed).toBeGreaterThanOrEqual(10);
  });
});

/** Counts GCs during 3 M Atomics.wait calls that return at once (the value differs). */
const GC_PROBE = `
import { parkTimeoutMs } from '${pathToFileURL(resolve(ROOT, 'dist/src/shm/park-timeouts.js')).href}';
const words = new Int32Array(new SharedArrayBuffer(8));
const waits = {
  table: (i) => Atomics.wait(words, 0, 1, parkTimeoutMs(1000 + (i % 5000) * 997)),
  computed: (i) => Atomics.wait(words, 0, 1, (1000 + (i % 5000) * 997) / 1e6),
};
const out = {};
for (const [name, wait] of Object.entries(waits)) {
  const loop = () => { for (let i = 0; i < 1e6; i++) wait(i); };
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
