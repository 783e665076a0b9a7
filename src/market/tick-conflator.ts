/**
 * Holds the latest tick per (symbol, venue) while the downstream ring is full: a newer tick for
 * the same key replaces the pending one (counted as conflated); keys drain in arrival order.
 */

import { type Tick, TickCodec, TickLayout } from '../shm/records.js';
import type { SpscRing } from '../shm/spsc-ring.js';

export class TickConflator {
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly recordBytes: number;
  private readonly pending: Uint8Array;
  private readonly queue: Int32Array;
  private head = 0;
  private count = 0;
  private readonly scratch: Tick = TickCodec.create();

  constructor(
    private readonly venueCount: number,
    keys: number,
  ) {
    this.recordBytes = TickLayout.sizeBytes;
    const buf = new ArrayBuffer(keys * this.recordBytes);
    this.f64 = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
    this.pending = new Uint8Array(keys);
    this.queue = new Int32Array(keys);
  }

  get size(): number {
    return this.count;
  }

  /** Whether `tick`'s symbol and venue ids make a key this conflator holds. */
  fits(tick: Tick): boolean {
    const key = tick.symbolId * this.venueCount + tick.venueId;
    return (
      Number.isInteger(key) &&
      key >= 0 &&
      key < this.pending.length &&
      tick.venueId >= 0 &&
      tick.venueId < this.venueCount
    );
  }

  /** Keeps `tick` as its key's latest; returns true when it replaced a pending tick. */
  hold(tick: Tick): boolean {
    const key = tick.symbolId * this.venueCount + tick.venueId;
    TickCodec.write(this.f64, this.i32, key * this.recordBytes, tick);
    if (this.pending[key] === 1) return true;
    this.pending[key] = 1;
    this.queue[(this.head + this.count) % this.queue.length] = key;
    this.count++;
    return false;
  }

  /** Takes the oldest pending key's tick into `out`; false when none is pending. */
  takeInto(out: Tick): boolean {
    if (this.count === 0) return false;
    const key = this.queue[this.head];
    TickCodec.read(this.f64, this.i32, key * this.recordBytes, out);
    this.pending[key] = 0;
    this.head = (this.head + 1) % this.queue.length;
    this.count--;
    return true;
  }

  /** Moves pending ticks into `ring` while it has room; the caller publishes. */
  drainInto(ring: SpscRing): number {
    let moved = 0;
    while (this.count > 0) {
      const off = ring.claim();
      if (off < 0) break;
      const key = this.queue[this.head];
      TickCodec.read(this.f64, this.i32, key * this.recordBytes, this.scratch);
      TickCodec.write(ring.f64, ring.i32, off, this.scratch);
      this.pending[key] = 0;
      this.head = (this.head + 1) % this.queue.length;
      this.count--;
      moved++;
    }
    return moved;
  }
}
