import { describe, expect, it } from 'vitest';
import { PreciseScheduler } from '../../src/venues/precise-scheduler.js';
import { stolenShare } from './venue-test-kit.js';

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Schedules `n` overlapping deadlines 0.05-6 ms ahead and resolves with how late each fired (us). */
function round(sched: PreciseScheduler, n: number): Promise<number[]> {
  return new Promise((resolve) => {
    const lateUs: number[] = [];
    for (let i = 0; i < n; i++) {
      const dueMs = performance.now() + 0.05 + Math.random() * 6;
      sched.at(dueMs, () => {
        lateUs.push((performance.now() - dueMs) * 1e3);
        if (lateUs.length === n) resolve(lateUs);
      });
    }
  });
}

describe('PreciseScheduler', () => {
  it('fires within microseconds of the due time (p99 < 200 us on this machine)', async () => {
    const stolenBefore = stolenShare(200);
    const sched = new PreciseScheduler();
    const lateUs: number[] = [];
    for (let r = 0; r < 150; r++) lateUs.push(...(await round(sched, 5)));
    sched.close();
    lateUs.sort((a, b) => a - b);
    const p50 = quantile(lateUs, 0.5);
    const p99 = quantile(lateUs, 0.99);
    console.log(
      `precise scheduler: ${lateUs.length} deadlines, late p50 ${p50.toFixed(1)} us, p99 ${p99.toFixed(1)} us, ` +
        `max ${lateUs[lateUs.length - 1].toFixed(1)} us, timer overslept ${sched.stats.overslept}`,
    );
    const stolen = Math.max(stolenBefore, stolenShare(200));
    expect(lateUs[0]).toBeGreaterThanOrEqual(0); // never early
    expect(p50).toBeLessThan(50);
    // A p99 bound only means something when the thread is not being preempted for whole
    // milliseconds (a 2-vCPU VM shared with other test runs often is).
    if (stolen < 0.01) expect(p99).toBeLessThan(200);
    else
      console.warn(
        `precise scheduler: ${(stolen * 100).toFixed(1)}% of a spinning thread's time stolen here; p99 not asserted`,
      );
  });

  it('runs deadlines in time order, including ones added earlier than the armed timer', async () => {
    const sched = new PreciseScheduler();
    const order: number[] = [];
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      sched.at(t0 + 8, () => {
        order.push(3);
        resolve();
      });
      sched.at(t0 + 4, () => order.push(2));
      sched.at(t0 + 0.2, () => order.push(1));
      sched.at(t0 - 1, () => order.push(0)); // already due: next poll
    });
    expect(order).toEqual([0, 1, 2, 3]);
    expect(sched.pending).toBe(0);
    sched.close();
  });

  it('grows past its initial capacity and drops pending tasks on close', async () => {
    const sched = new PreciseScheduler({ capacity: 2 });
    let fired = 0;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      for (let i = 0; i < 10; i++)
        sched.at(t0 + 1 + i * 0.1, () => {
          if (++fired === 10) resolve();
        });
    });
    sched.at(performance.now() + 50, () => fired++);
    sched.close();
    await new Promise((r) => setTimeout(r, 80));
    expect(fired).toBe(10);
  });
});
