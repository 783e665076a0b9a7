/**
 * Single-producer/single-consumer ring of fixed-size slots over a SharedArrayBuffer
 * (Disruptor-style). Head (next sequence to publish) and tail (next sequence to consume) live on
 * separate 64-byte lines. Sequences are 32-bit counters that wrap: every difference is taken with
 * `| 0`, and the slot index with `& mask`, both correct across the 2^32 wrap because capacity is a
 * power of two far below 2^31.
 *
 * Memory ordering: slot contents are written with plain stores, then the head is published with
 * `Atomics.store` (seq-cst); the consumer reads the head with `Atomics.load` before reading slots,
 * so it sees every byte written before the publish. The tail is released the same way, so the
 * producer never overwrites a slot still being read.
 */
import type { Doorbell } from './doorbell.js';

const HEAD = 0;
const TAIL = 16;
const META_CAPACITY = 32;
const META_SLOT_BYTES = 33;
const HEADER_BYTES = 192;

export interface RingHandle {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  readonly slotBytes: number;
  readonly name: string;
}

export interface RingOptions {
  /** Start both counters here; tests use values near 2^32 to exercise the wrap. */
  initialSequence?: number;
}

export function createRing(
  name: string,
  capacity: number,
  recordBytes: number,
  opts: RingOptions = {},
): RingHandle {
  if (
    !Number.isInteger(capacity) ||
    capacity < 2 ||
    (capacity & (capacity - 1)) !== 0 ||
    capacity > 1 << 24
  ) {
    throw new Error(`ring ${name}: capacity must be a power of two in [2, 2^24], got ${capacity}`);
  }
  // Slots are whole cache lines so the producer writing slot i+1 never shares a line with the
  // consumer reading slot i.
  const slotBytes = Math.ceil(recordBytes / 64) * 64;
  const buffer = new SharedArrayBuffer(HEADER_BYTES + capacity * slotBytes);
  const words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  const start = (opts.initialSequence ?? 0) | 0;
  words[HEAD] = start;
  words[TAIL] = start;
  words[META_CAPACITY] = capacity;
  words[META_SLOT_BYTES] = slotBytes;
  return { buffer, capacity, slotBytes, name };
}

export class SpscRing {
  readonly name: string;
  readonly capacity: number;
  readonly slotBytes: number;
  /** Views over the whole buffer; slot byte offsets index into them (offset/8, offset/4). */
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  private readonly words: Int32Array;
  private readonly mask: number;
  private bell: Doorbell | null = null;
  // Producer-local state.
  private localHead: number;
  private cachedTail: number;
  // Consumer-local state.
  private localTail: number;
  private cachedHead: number;

  constructor(handle: RingHandle) {
    this.name = handle.name;
    this.capacity = handle.capacity;
    this.slotBytes = handle.slotBytes;
    this.mask = handle.capacity - 1;
    this.words = new Int32Array(handle.buffer, 0, HEADER_BYTES / 4);
    if (this.words[META_CAPACITY] !== handle.capacity || this.words[META_SLOT_BYTES] !== handle.slotBytes) {
      throw new Error(`ring ${handle.name}: handle does not match buffer header`);
    }
    this.f64 = new Float64Array(handle.buffer);
    this.i32 = new Int32Array(handle.buffer);
    this.localHead = Atomics.load(this.words, HEAD);
    this.cachedTail = Atomics.load(this.words, TAIL);
    this.localTail = this.cachedTail;
    this.cachedHead = this.localHead;
  }

  /** The consumer's doorbell; the producer rings it on publish. */
  wakes(bell: Doorbell): this {
    this.bell = bell;
    return this;
  }

  // ---- producer ----

  /**
   * Reserves the next slot and returns its byte offset, or -1 when the ring is full. The slot is
   * invisible to the consumer until `publish`.
   */
  claim(): number {
    if (((this.localHead - this.cachedTail) | 0) >= this.capacity) {
      this.cachedTail = Atomics.load(this.words, TAIL);
      if (((this.localHead - this.cachedTail) | 0) >= this.capacity) return -1;
    }
    const offset = HEADER_BYTES + (this.localHead & this.mask) * this.slotBytes;
    this.localHead = (this.localHead + 1) | 0;
    return offset;
  }

  /** Gives back the slot of the last `claim` (the producer found nothing to put in it). */
  unclaim(): void {
    this.localHead = (this.localHead - 1) | 0;
  }

  /** Slots the producer could claim now without waiting (refreshes the tail). */
  freeSlots(): number {
    this.cachedTail = Atomics.load(this.words, TAIL);
    return this.capacity - ((this.localHead - this.cachedTail) | 0);
  }

  /** Makes every claimed slot visible at once and wakes a parked consumer. */
  publish(): void {
    if (Atomics.load(this.words, HEAD) === this.localHead) return;
    Atomics.store(this.words, HEAD, this.localHead);
    if (this.bell !== null) this.bell.ring();
  }

  // ---- consumer ----

  /** Records ready to read (refreshes the head). */
  available(): number {
    this.cachedHead = Atomics.load(this.words, HEAD);
    return (this.cachedHead - this.localTail) | 0;
  }

  /** Byte offset of the next unread record; call only after `available()` said there is one. */
  next(): number {
    const offset = HEADER_BYTES + (this.localTail & this.mask) * this.slotBytes;
    this.localTail = (this.localTail + 1) | 0;
    return offset;
  }

  /** Hands every slot read so far back to the producer. */
  release(): void {
    Atomics.store(this.words, TAIL, this.localTail);
  }

  /** Records published and not yet released, as seen from any thread (monitoring). */
  depth(): number {
    return (Atomics.load(this.words, HEAD) - Atomics.load(this.words, TAIL)) | 0;
  }

  /** Current head sequence (for tests). */
  headSequence(): number {
    return Atomics.load(this.words, HEAD);
  }
}
