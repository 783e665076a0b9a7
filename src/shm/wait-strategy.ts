/**
 * What a consumer thread does when none of its rings has work (Disruptor's WaitStrategy).
 * Each call waits at most `maxWaitNs` (a park rounds it up to a step of a few us: park-timeouts.ts)
 * so the poll loop can run timers and heartbeats.
 */
import { nativeMonotonicClock } from '../core/native-clock.js';
import type { Doorbell } from './doorbell.js';
import { parkTimeoutMs } from './park-timeouts.js';

export interface WorkProbe {
  /** True when any input of the thread has something to do. Must not allocate. */
  hasWork(): boolean;
}

export interface WaitStrategy {
  readonly name: WaitStrategyName;
  idle(bell: Doorbell, probe: WorkProbe, maxWaitNs: number): void;
}

/** The wait strategies a host can idle with (system.wait_strategy). */
export const WAIT_STRATEGIES = ['busy-spin', 'spin-park', 'blocking', 'sleep-poll'] as const;
export type WaitStrategyName = (typeof WAIT_STRATEGIES)[number];

const NS_PER_MS = 1e6;
/**
 * Spins between clock reads: a read costs ~70 ns (the native clock; the performance.now()
 * fallback boxes a heap number each time), so long spins read it rarely (~every 15 us) and short
 * spins (a few us before parking) often enough to keep their budget.
 */
const SHORT_SPIN_CHECK = 64;
const LONG_SPIN_CHECK = 1024;
const SHORT_SPIN_NS = 20_000;

/** The spin's clock: any monotonic ns will do, the deadline is relative to it. */
const fillMonotonicNs = nativeMonotonicClock();
const spinClockCell = new Float64Array(1);

function spinClockNs(): number {
  if (fillMonotonicNs === null) return performance.now() * NS_PER_MS;
  fillMonotonicNs(spinClockCell);
  return spinClockCell[0];
}

function spinUntil(probe: WorkProbe, budgetNs: number): boolean {
  const deadlineNs = spinClockNs() + budgetNs;
  const spinsPerCheck = budgetNs <= SHORT_SPIN_NS ? SHORT_SPIN_CHECK : LONG_SPIN_CHECK;
  for (;;) {
    for (let i = 0; i < spinsPerCheck; i++) if (probe.hasWork()) return true;
    if (spinClockNs() >= deadlineNs) return false;
  }
}

function parkUntil(bell: Doorbell, probe: WorkProbe, waitNs: number): void {
  const seq = bell.prepareToPark();
  if (probe.hasWork()) {
    bell.cancelPark();
    return;
  }
  bell.park(seq, parkTimeoutMs(waitNs));
}

/** Never sleeps. Only for a thread that owns a core; with more spinners than cores it collapses. */
export class BusySpinWaitStrategy implements WaitStrategy {
  readonly name = 'busy-spin' as const;
  idle(_bell: Doorbell, probe: WorkProbe, maxWaitNs: number): void {
    spinUntil(probe, maxWaitNs);
  }
}

/** Spins briefly (a couple of microseconds helps p99 here), then parks on the doorbell. */
export class SpinThenParkWaitStrategy implements WaitStrategy {
  readonly name = 'spin-park' as const;
  constructor(private readonly spinNs: number) {}
  idle(bell: Doorbell, probe: WorkProbe, maxWaitNs: number): void {
    const spinNs = Math.min(this.spinNs, maxWaitNs);
    if (spinNs > 0 && spinUntil(probe, spinNs)) return;
    const rest = maxWaitNs - spinNs;
    if (rest > 0) parkUntil(bell, probe, rest);
  }
}

/** Parks at once: lowest CPU, one wake-up (~10-20 us here) per idle period. */
export class BlockingWaitStrategy implements WaitStrategy {
  readonly name = 'blocking' as const;
  idle(bell: Doorbell, probe: WorkProbe, maxWaitNs: number): void {
    parkUntil(bell, probe, maxWaitNs);
  }
}

/**
 * Sleeps a fixed interval without announcing a park, so producers never pay for a notify
 * (a futex syscall on their thread). For consumers beside the order path, such as predict, whose
 * inputs can wait a millisecond; never for a stage on the tick-to-order path.
 */
export class SleepPollWaitStrategy implements WaitStrategy {
  readonly name = 'sleep-poll' as const;
  private readonly word = new Int32Array(new SharedArrayBuffer(4));
  constructor(private readonly intervalNs: number) {}
  idle(_bell: Doorbell, probe: WorkProbe, maxWaitNs: number): void {
    if (probe.hasWork()) return;
    Atomics.wait(this.word, 0, 0, parkTimeoutMs(Math.min(this.intervalNs, maxWaitNs)));
  }
}

export function createWaitStrategy(name: WaitStrategyName, spinNs: number): WaitStrategy {
  switch (name) {
    case 'busy-spin':
      return new BusySpinWaitStrategy();
    case 'spin-park':
      return new SpinThenParkWaitStrategy(spinNs);
    case 'blocking':
      return new BlockingWaitStrategy();
    case 'sleep-poll':
      return new SleepPollWaitStrategy(1e6);
  }
}
