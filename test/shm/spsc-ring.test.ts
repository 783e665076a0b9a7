import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Doorbell } from '../../src/shm/doorbell.js';
import { createRing, type RingHandle, SpscRing } from '../../src/shm/spsc-ring.js';
import { ensureCompiledShm, FNV_OFFSET, fnv1a32, startWorker } from './fixtures/thread-harness.js';

/** Record layout used throughout: f64 word 0 = value, i32 word 2 = value's low 32 bits negated. */
function put(ring: SpscRing, off: number, value: number): void {
  ring.f64[off >>> 3] = value;
  ring.i32[(off >>> 2) + 2] = -value | 0;
}

function get(ring: SpscRing, off: number): number {
  const value = ring.f64[off >>> 3];
  expect(ring.i32[(off >>> 2) + 2]).toBe(-value | 0);
  return value;
}

/** Claims and writes up to `n` values starting at `first`; returns how many fit. Does not publish. */
function produce(ring: SpscRing, first: number, n: number): number {
  for (let k = 0; k < n; k++) {
    const off = ring.claim();
    if (off < 0) return k;
    put(ring, off, first + k);
  }
  return n;
}

/** Reads up to `max` published records and releases them. */
function consume(ring: SpscRing, max = Number.POSITIVE_INFINITY): number[] {
  const n = Math.min(ring.available(), max);
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(get(ring, ring.next()));
  ring.release();
  return out;
}

/** Producer and consumer views over one buffer, as two threads would hold them. */
function pair(capacity: number, initialSequence = 0): { p: SpscRing; c: SpscRing; handle: RingHandle } {
  const handle = createRing('test', capacity, 16, { initialSequence });
  return { p: new SpscRing(handle), c: new SpscRing(handle), handle };
}

describe('SpscRing, one thread', () => {
  it('rejects capacities that are not powers of two in [2, 2^24]', () => {
    for (const bad of [0, 1, 3, 12, 1.5, 2 ** 25]) {
      expect(() => createRing('r', bad, 16)).toThrow(/capacity must be a power of two/);
    }
    expect(createRing('r', 2, 16).capacity).toBe(2);
  });

  it('rounds slots up to whole 64-byte lines', () => {
    expect(createRing('r', 4, 1).slotBytes).toBe(64);
    expect(createRing('r', 4, 64).slotBytes).toBe(64);
    expect(createRing('r', 4, 65).slotBytes).toBe(128);
  });

  it('delivers records in FIFO order', () => {
    const { p, c } = pair(16);
    const seen: number[] = [];
    for (let round = 0; round < 10; round++) {
      expect(produce(p, round * 7, 7)).toBe(7);
      p.publish();
      seen.push(...consume(c));
    }
    expect(seen).toEqual(Array.from({ length: 70 }, (_, i) => i));
  });

  it('returns -1 from claim when full and never overwrites unread records', () => {
    const { p, c } = pair(8);
    const offsets = new Set<number>();
    for (let i = 0; i < 8; i++) {
      const off = p.claim();
      expect(off).toBeGreaterThanOrEqual(0);
      offsets.add(off);
      put(p, off, 100 + i);
    }
    expect(offsets.size).toBe(8);
    expect(p.claim()).toBe(-1);
    expect(p.freeSlots()).toBe(0);
    p.publish();
    expect(p.claim()).toBe(-1);
    // Read everything but do not release: the slots still belong to the consumer.
    const reads = [];
    for (let i = 0; i < 8; i++) reads.push(c.next());
    expect(p.claim()).toBe(-1);
    expect(reads.map((off) => get(c, off))).toEqual([100, 101, 102, 103, 104, 105, 106, 107]);
    c.release();
    expect(p.freeSlots()).toBe(8);
    expect(c.depth()).toBe(0);
  });

  it('makes a whole claimed batch visible at one publish', () => {
    const { p, c } = pair(64);
    expect(produce(p, 0, 40)).toBe(40);
    expect(c.available()).toBe(0);
    expect(c.depth()).toBe(0);
    p.publish();
    expect(c.available()).toBe(40);
    expect(c.depth()).toBe(40);
    // Claims after the publish stay invisible until the next one.
    expect(produce(p, 40, 5)).toBe(5);
    expect(c.available()).toBe(40);
    expect(consume(c)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    p.publish();
    expect(consume(c)).toEqual([40, 41, 42, 43, 44]);
  });

  it('frees slots only on release, and partial releases free exactly what was read', () => {
    const { p, c } = pair(16);
    expect(produce(p, 0, 16)).toBe(16);
    p.publish();
    expect(c.available()).toBe(16);
    for (let i = 0; i < 6; i++) c.next();
    expect(p.freeSlots()).toBe(0);
    c.release();
    expect(p.freeSlots()).toBe(6);
    expect(c.available()).toBe(10);
    expect(produce(p, 16, 10)).toBe(6);
    p.publish();
    expect(consume(c)).toEqual(Array.from({ length: 16 }, (_, i) => i + 6));
  });

  it('rings the doorbell on publish only when the consumer announced a park', () => {
    const { p } = pair(8);
    const bell = Doorbell.create();
    const seq = new Int32Array(bell.buffer);
    p.wakes(bell);
    produce(p, 0, 1);
    p.publish();
    expect(seq[0]).toBe(0);
    bell.prepareToPark();
    produce(p, 1, 1);
    p.publish();
    expect(seq[0]).toBe(1);
    // A publish with nothing new claimed neither stores nor rings.
    p.publish();
    expect(seq[0]).toBe(1);
  });
});

describe('SpscRing across the 32-bit counter wrap', () => {
  for (const start of [-5 | 0, 2 ** 31 - 3, -1 | 0, 0]) {
    it(`keeps order, values and counts starting at sequence ${start >>> 0}`, () => {
      const capacity = 16;
      const { p, c } = pair(capacity, start);
      expect(p.headSequence()).toBe(start | 0);
      let next = 0;
      const seen: number[] = [];
      const sizes = [3, 16, 1, 7, 16, 9, 2, 16, 5, 11];
      for (const size of sizes) {
        const published = seen.length;
        expect(p.freeSlots()).toBe(capacity);
        expect(produce(p, next, size)).toBe(size);
        next += size;
        expect(p.freeSlots()).toBe(capacity - size);
        p.publish();
        expect(c.available()).toBe(size);
        // Consume in two steps so the tail crosses the wrap on its own too.
        const half = size >> 1;
        seen.push(...consume(c, half));
        expect(c.available()).toBe(size - half);
        expect(p.freeSlots()).toBe(capacity - (size - half));
        seen.push(...consume(c));
        expect(seen.length - published).toBe(size);
        expect(c.depth()).toBe(0);
      }
      expect(seen).toEqual(Array.from({ length: next }, (_, i) => i));
      expect(p.headSequence()).toBe((start + next) | 0);
    });
  }

  it('treats a head that wrapped past 0 as ahead of a tail just below 2^32', () => {
    const { p, c } = pair(8, -3 | 0);
    expect(produce(p, 0, 8)).toBe(8);
    p.publish();
    expect(p.headSequence()).toBe(5);
    expect(c.available()).toBe(8);
    expect(p.claim()).toBe(-1);
    expect(consume(c, 4)).toEqual([0, 1, 2, 3]);
    expect(p.freeSlots()).toBe(4);
    expect(consume(c)).toEqual([4, 5, 6, 7]);
  });
});

describe('SpscRing against a reference queue (fast-check)', () => {
  type Op = { kind: 'produce' | 'consume'; n: number };
  const op: fc.Arbitrary<Op> = fc.record({
    kind: fc.constantFrom('produce' as const, 'consume' as const),
    n: fc.integer({ min: 0, max: 40 }),
  });
  const startSeq = fc.oneof(
    fc.constant(0),
    fc.integer({ min: -64, max: -1 }),
    fc.integer({ min: 2 ** 31 - 64, max: 2 ** 31 - 1 }),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  );

  it('produces the same sequence as an array queue for any interleaving of batches', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 4, 8, 16, 32),
        startSeq,
        fc.array(op, { maxLength: 60 }),
        (capacity, start, ops) => {
          const { p, c } = pair(capacity, start);
          const reference: number[] = [];
          let next = 0;
          for (const { kind, n } of ops) {
            if (kind === 'produce') {
              const fits = Math.min(n, capacity - reference.length);
              expect(produce(p, next, n)).toBe(fits);
              for (let k = 0; k < fits; k++) reference.push(next + k);
              next += fits;
              p.publish();
            } else {
              expect(consume(c, n)).toEqual(reference.splice(0, n));
            }
            expect(c.available()).toBe(reference.length);
            expect(p.freeSlots()).toBe(capacity - reference.length);
            expect(c.depth()).toBe(reference.length);
          }
          expect(consume(c)).toEqual(reference);
        },
      ),
      { numRuns: 300 },
    );
  });
});

interface ConsumerReport {
  count: number;
  checksum: number;
  outOfOrder: number;
  badDerived: number;
  parks: number;
  elapsedMs: number;
}

interface ProducerReport {
  produced: number;
  fullWaits: number;
  elapsedMs: number;
}

/** The checksum the consumer must arrive at: FNV-1a over both words of records 0..n-1. */
function expectedChecksum(n: number): number {
  const golden = 0x9e3779b1 | 0;
  let h = FNV_OFFSET;
  for (let i = 0; i < n; i++) h = fnv1a32(fnv1a32(h, i), Math.imul(i, golden));
  return h;
}

async function runPair(count: number, initialSequence: number) {
  const handle = createRing('threads', 1024, 16, { initialSequence });
  const bell = Doorbell.create().buffer;
  const t0 = performance.now();
  const consumer = startWorker<ConsumerReport>('ring-worker.mjs', {
    role: 'consumer',
    ring: handle,
    bell,
    count,
  });
  const producer = startWorker<ProducerReport>('ring-worker.mjs', {
    role: 'producer',
    ring: handle,
    bell,
    count,
    batch: 64,
  });
  const [c, p] = await Promise.all([consumer.result, producer.result]);
  return { c, p, handle, wallMs: performance.now() - t0 };
}

describe('SpscRing, producer and consumer on two threads', () => {
  beforeAll(() => ensureCompiledShm());

  it('moves 10,000,000 records in order with none lost', async () => {
    const count = 10_000_000;
    const { c, p, handle, wallMs } = await runPair(count, 0);
    expect(p.produced).toBe(count);
    expect(c.count).toBe(count);
    expect(c.outOfOrder).toBe(0);
    expect(c.badDerived).toBe(0);
    expect(c.checksum).toBe(expectedChecksum(count));
    const ring = new SpscRing(handle);
    expect(ring.headSequence()).toBe(count);
    expect(ring.depth()).toBe(0);
    expect(wallMs).toBeLessThan(30_000);
    console.info(
      `ring threads: ${count} records in ${c.elapsedMs.toFixed(0)} ms ` +
        `(${((count / c.elapsedMs) * 1e-3).toFixed(1)} M/s), consumer idles ${c.parks}, producer full waits ${p.fullWaits}`,
    );
  });

  it('moves 2,000,000 records across the 2^32 counter wrap', async () => {
    const count = 2_000_000;
    const start = -1_000_000 | 0; // wraps halfway through the run
    const { c, p, handle } = await runPair(count, start);
    expect(p.produced).toBe(count);
    expect(c.count).toBe(count);
    expect(c.outOfOrder).toBe(0);
    expect(c.badDerived).toBe(0);
    expect(c.checksum).toBe(expectedChecksum(count));
    const ring = new SpscRing(handle);
    expect(ring.headSequence()).toBe((start + count) | 0);
    expect(ring.depth()).toBe(0);
  });
});
