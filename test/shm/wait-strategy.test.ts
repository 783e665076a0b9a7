import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { Doorbell } from '../../src/shm/doorbell.js';
import { createRing, SpscRing } from '../../src/shm/spsc-ring.js';
import {
  BlockingWaitStrategy,
  BusySpinWaitStrategy,
  createWaitStrategy,
  SleepPollWaitStrategy,
  SpinThenParkWaitStrategy,
  type WaitStrategy,
  type WorkProbe,
} from '../../src/shm/wait-strategy.js';
import { ensureCompiledShm, startWorker } from './fixtures/thread-harness.js';

/** Int32 index of the doorbell's parked flag (see doorbell.ts). */
const PARKED = 16;
const MS = 1e6;

const noWork: WorkProbe = { hasWork: () => false };

function timeIdleMs(strategy: WaitStrategy, probe: WorkProbe, maxWaitNs: number, bell = Doorbell.create()) {
  const t0 = performance.now();
  strategy.idle(bell, probe, maxWaitNs);
  return performance.now() - t0;
}

describe('wait strategies, one thread', () => {
  it('creates each strategy by name', () => {
    expect(createWaitStrategy('busy-spin', 0)).toBeInstanceOf(BusySpinWaitStrategy);
    expect(createWaitStrategy('spin-park', 2000)).toBeInstanceOf(SpinThenParkWaitStrategy);
    expect(createWaitStrategy('blocking', 0)).toBeInstanceOf(BlockingWaitStrategy);
    expect(['busy-spin', 'spin-park', 'blocking'].map((n) => createWaitStrategy(n as never, 1).name)).toEqual(
      ['busy-spin', 'spin-park', 'blocking'],
    );
  });

  it.each([
    ['busy-spin', new BusySpinWaitStrategy()],
    ['spin-park', new SpinThenParkWaitStrategy(2000)],
    ['blocking', new BlockingWaitStrategy()],
    ['sleep-poll', new SleepPollWaitStrategy(1_000 * MS)],
  ] as const)('%s returns at once when there is work, leaving the doorbell unparked', (_n, strategy) => {
    const bell = Doorbell.create();
    const ms = timeIdleMs(strategy, { hasWork: () => true }, 5_000 * MS, bell);
    expect(ms).toBeLessThan(50);
    expect(new Int32Array(bell.buffer)[PARKED]).toBe(0);
  });

  it.each([
    ['busy-spin', new BusySpinWaitStrategy(), 30],
    ['spin-park', new SpinThenParkWaitStrategy(20_000), 200],
    ['blocking', new BlockingWaitStrategy(), 200],
    ['sleep-poll', new SleepPollWaitStrategy(10_000 * MS), 200],
  ] as const)('%s with nothing to do returns after roughly its max wait (%i ms)', (_n, strategy, waitMs) => {
    const bell = Doorbell.create();
    const ms = timeIdleMs(strategy, noWork, waitMs * MS, bell);
    expect(ms).toBeGreaterThanOrEqual(waitMs * 0.97);
    expect(ms).toBeLessThan(waitMs + 150);
    expect(new Int32Array(bell.buffer)[PARKED]).toBe(0);
  });

  it('sleep-poll sleeps its interval when that is shorter than the max wait, never announcing a park', () => {
    const bell = Doorbell.create();
    const words = new Int32Array(bell.buffer);
    const ms = timeIdleMs(new SleepPollWaitStrategy(30 * MS), noWork, 5_000 * MS, bell);
    expect(ms).toBeGreaterThanOrEqual(29);
    expect(ms).toBeLessThan(30 + 150);
    // A publish during the sleep does not notify: producers pay nothing for this consumer.
    expect(words[PARKED]).toBe(0);
    bell.ring();
    expect(words[0]).toBe(0);
  });

  it('busy-spin returns as soon as work shows up', () => {
    let polls = 0;
    const ms = timeIdleMs(new BusySpinWaitStrategy(), { hasWork: () => ++polls >= 1000 }, 5_000 * MS);
    expect(polls).toBe(1000);
    expect(ms).toBeLessThan(50);
  });

  it('spin-park finds work that arrives during the spin without parking', () => {
    let polls = 0;
    const bell = Doorbell.create();
    const ms = timeIdleMs(
      new SpinThenParkWaitStrategy(50 * MS),
      { hasWork: () => ++polls >= 500 },
      5_000 * MS,
      bell,
    );
    expect(polls).toBe(500);
    expect(ms).toBeLessThan(50);
    expect(new Int32Array(bell.buffer)[PARKED]).toBe(0);
  });

  it('a wake between prepareToPark and park is not lost', () => {
    const bell = Doorbell.create();
    const seq = bell.prepareToPark();
    bell.wake();
    const t0 = performance.now();
    bell.park(seq, 5_000);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(new Int32Array(bell.buffer)[PARKED]).toBe(0);
  });

  it('ring() bumps the sequence only while the consumer is parked', () => {
    const bell = Doorbell.create();
    const words = new Int32Array(bell.buffer);
    bell.ring();
    expect(words[0]).toBe(0);
    const seq = bell.prepareToPark();
    bell.ring();
    expect(words[0]).toBe(seq + 1);
    bell.cancelPark();
    bell.ring();
    expect(words[0]).toBe(seq + 1);
  });
});

interface ParkReport {
  wakeNs: number[];
  idleNs: number[];
  values: number[];
  emptyReturns: number;
}

describe('a parked consumer thread', () => {
  beforeAll(() => ensureCompiledShm());

  it('is woken by the producer publish in < 100 ms, after really blocking', async () => {
    const rounds = 5;
    const parkedForMs = 60;
    const handle = createRing('park', 8, 16);
    const bell = Doorbell.create();
    const bellWords = new Int32Array(bell.buffer);
    const progress = new SharedArrayBuffer(4);
    const done = new Int32Array(progress);
    const consumer = startWorker<ParkReport>('park-worker.mjs', {
      ring: handle,
      bell: bell.buffer,
      progress,
      rounds,
    });
    const producer = new SpscRing(handle).wakes(bell);

    for (let r = 0; r < rounds; r++) {
      // Wait for the consumer to finish the previous round and announce its park.
      const t0 = performance.now();
      while (
        (Atomics.load(done, 0) < r || Atomics.load(bellWords, PARKED) === 0) &&
        performance.now() - t0 < 10_000
      )
        await sleep(1);
      expect(Atomics.load(bellWords, PARKED)).toBe(1);
      await sleep(parkedForMs);
      const off = producer.claim();
      producer.f64[(off >>> 3) + 1] = r;
      producer.f64[off >>> 3] = Number(process.hrtime.bigint());
      producer.publish();
    }
    const report = await consumer.result;

    expect(report.values).toEqual([0, 1, 2, 3, 4]);
    expect(report.wakeNs).toHaveLength(rounds);
    for (const ns of report.wakeNs) {
      expect(ns).toBeGreaterThan(0);
      expect(ns).toBeLessThan(100 * MS);
    }
    // It slept through the producer's pause instead of spinning out or timing out (10 s).
    for (const ns of report.idleNs) {
      expect(ns).toBeGreaterThan(parkedForMs * 0.9 * MS);
      expect(ns).toBeLessThan(5_000 * MS);
    }
    const us = report.wakeNs.map((ns) => (ns / 1000).toFixed(0)).join(', ');
    console.info(`park wake-up latencies (us): ${us}; empty returns ${report.emptyReturns}`);
  });
});
