/**
 * What a consumer thread does when none of its rings has work (Disruptor's WaitStrategy).
 * Each call waits at most `maxWaitNs` so the poll loop can run timers and heartbeats.
 */
import type { Doorbell } from './doorbell.js';

export interface WorkProbe {
  /** True when any input of the thread has something to do. Must not allocate. */
  hasWork(): boolean;
}

export interface WaitStrategy {
  readonly name: WaitStrategyName;
  idle(bell: Doorbell, probe: WorkProbe, maxWaitNs: number): void;
}

export type WaitStrategyName = 'busy-spin' | 'spin-park' | 'blocking';

const NS_PER_MS = 1e6;
/** Check the clock only every few spins; performance.now() costs ~30-50 ns. */
const SPINS_PER_CLOCK_CHECK = 64;

function spinUntil(probe: WorkProbe, budgetNs: number): boolean {
  const deadline = performance.now() + budgetNs / NS_PER_MS;
  for (;;) {
    for (let i = 0; i < SPINS_PER_CLOCK_CHECK; i++) if (probe.hasWork()) return true;
    if (performance.now() >= deadline) return false;
  }
}

function parkUntil(bell: Doorbell, probe: WorkProbe, waitNs: number): void {
  const seq = bell.prepareToPark();
  if (probe.hasWork()) {
    bell.cancelPark();
    return;
  }
  bell.park(seq, waitNs / NS_PER_MS);
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

export function createWaitStrategy(name: WaitStrategyName, spinNs: number): WaitStrategy {
  switch (name) {
    case 'busy-spin':
      return new BusySpinWaitStrategy();
    case 'spin-park':
      return new SpinThenParkWaitStrategy(spinNs);
    case 'blocking':
      return new BlockingWaitStrategy();
  }
}
