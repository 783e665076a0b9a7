/**
 * The worker hot path allocates nothing per tick: the inline topology (every stage on one thread)
 * runs flat out on the simulated market under V8's sampling heap profiler, with the inlining budget
 * the workers get, and the bytes allocated per tick stay near 0. Flat out, per-tick garbage
 * dominates whatever the run allocates per order or per idle wait; measured here 0.7-0.8 bytes
 * per tick, against 64-78 before class fields were assigned rather than defined (tsconfig.json) and
 * before the inlining budget's absolute cap was raised (supervisor.ts), and 17 with only the latter.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BENCH = resolve(ROOT, 'dist/bench/garbage-per-tick.js');
/** Well above what is left (~0.7), well below one boxed number per tick (16 bytes). */
const MAX_BYTES_PER_TICK = 8;

interface GarbageReport {
  ticks: number;
  bytes_per_tick: number;
  top: { site: string; 'bytes/tick': number }[];
}

describe('hot path garbage', () => {
  it('flat out, the inline pipeline allocates under 8 bytes per tick', () => {
    // A child process of its own: the test runner's traffic would be sampled too. A long warm-up,
    // so a loaded machine has optimized the per-tick code before sampling starts.
    const args = [
      BENCH,
      '--inline-budget',
      '--rate',
      '0',
      '--seconds',
      '2',
      '--warm-up-ms',
      '2500',
      '--json',
    ];
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as GarbageReport;
    expect(report.ticks).toBeGreaterThan(100_000);
    expect(report.bytes_per_tick, JSON.stringify(report.top.slice(0, 5))).toBeLessThan(MAX_BYTES_PER_TICK);
  });
});
