/**
 * One clock for every thread (docs/architecture.md principle 7): float64 nanoseconds since a process epoch
 * that main takes with `process.hrtime.bigint()` and hands to workers. `hrtime.bigint()`,
 * `process.hrtime()` and `performance.now()` all allocate per read on Node 20, so the hot path
 * reads CLOCK_MONOTONIC (hrtime's clock) through the native addon into a typed cell
 * (native-clock.ts); without the addon, `performance.now()` plus a per-thread offset calibrated
 * once against hrtime.
 */
import { type FillMonotonicNs, nativeMonotonicClock } from './native-clock.js';

export interface Clock {
  nowNs(): number;
}

/**
 * Nanoseconds to add to `performance.now() * 1e6` to get `process.hrtime` time since `epochNs`:
 * the tightest of 16 reads of hrtime between two performance.now() reads, at their midpoint.
 */
export function perfNowOffsetNs(epochNs: bigint): number {
  let best = Number.POSITIVE_INFINITY;
  let offset = 0;
  for (let i = 0; i < 16; i++) {
    const a = performance.now();
    const h = process.hrtime.bigint();
    const b = performance.now();
    if (b - a < best) {
      best = b - a;
      offset = Number(h - epochNs) - ((a + b) / 2) * 1e6;
    }
  }
  return offset;
}

export class MonotonicClock implements Clock {
  private readonly offsetNs: number;
  private readonly fill: FillMonotonicNs | null;
  /** The native read's cell: [0] the monotonic reading, [1] minus the epoch. */
  private readonly cell = new Float64Array(2);

  constructor(epochNs: bigint, fill: FillMonotonicNs | null = nativeMonotonicClock()) {
    this.fill = fill;
    this.offsetNs = fill === null ? perfNowOffsetNs(epochNs) : -Number(epochNs);
  }

  /** True when reads go through the native addon (no garbage per read). */
  get native(): boolean {
    return this.fill !== null;
  }

  nowNs(): number {
    if (this.fill === null) return performance.now() * 1e6 + this.offsetNs;
    this.fill(this.cell);
    return this.cell[0] + this.offsetNs;
  }
}

/** A clock the caller moves: tests and the backtester. */
export class ManualClock implements Clock {
  constructor(private ns = 0) {}
  nowNs(): number {
    return this.ns;
  }
  set(ns: number): void {
    this.ns = ns;
  }
  advance(ns: number): void {
    this.ns += ns;
  }
}
