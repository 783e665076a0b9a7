/**
 * SpscRing on one thread: producer and consumer views over one buffer, each op moves OP_RECORDS
 * records through the ring (claim, write two words, publish; available, next, read, release).
 * "per-record" publishes and releases after every record; "batch-64" claims 64 records, publishes
 * once, then drains and releases once (how the pipeline's stages use it).
 *
 * records/s = OP_RECORDS x ops/s, with ops/s = 1000 / mean ms per op (so GC pauses count).
 * The product target is >= 20 M records/s (TARGET_RECORDS_PER_S).
 *
 *   npm run build && node dist/bench/spsc-ring.bench.js
 */
import { Bench } from 'tinybench';
import { createRing, SpscRing } from '../src/shm/spsc-ring.js';
import { type BenchReport, isMainModule, latencyOf, printReport, sig } from './bench-report.js';

const CAPACITY = 1024;
const RECORD_BYTES = 16;
const OP_RECORDS = 4096;
const TARGET_RECORDS_PER_S = 20e6;

interface RingPair {
  producer: SpscRing;
  consumer: SpscRing;
  /** Next value to write and next value expected, checked on every read. */
  written: number;
  read: number;
  errors: number;
}

function createPair(): RingPair {
  const handle = createRing('bench', CAPACITY, RECORD_BYTES);
  return { producer: new SpscRing(handle), consumer: new SpscRing(handle), written: 0, read: 0, errors: 0 };
}

function write(ring: SpscRing, off: number, value: number): void {
  ring.f64[off >>> 3] = value;
  ring.i32[(off >>> 2) + 2] = value | 0;
}

function drain(s: RingPair): void {
  const c = s.consumer;
  const n = c.available();
  for (let k = 0; k < n; k++) {
    const off = c.next();
    const v = c.f64[off >>> 3];
    if (v !== s.read || c.i32[(off >>> 2) + 2] !== (v | 0)) s.errors++;
    s.read++;
  }
  c.release();
}

/** One record per publish and per release. */
function perRecord(s: RingPair): void {
  const p = s.producer;
  const c = s.consumer;
  for (let i = 0; i < OP_RECORDS; i++) {
    write(p, p.claim(), s.written++);
    p.publish();
    c.available();
    const off = c.next();
    const v = c.f64[off >>> 3];
    if (v !== s.read || c.i32[(off >>> 2) + 2] !== (v | 0)) s.errors++;
    s.read++;
    c.release();
  }
}

/** Claims `batch` records, publishes once, drains and releases once. */
function batched(s: RingPair, batch: number): void {
  const p = s.producer;
  for (let i = 0; i < OP_RECORDS; i += batch) {
    for (let k = 0; k < batch; k++) write(p, p.claim(), s.written++);
    p.publish();
    drain(s);
  }
}

export async function run(): Promise<BenchReport> {
  const bench = new Bench({ time: 1500, warmupTime: 300, throws: true });
  const variants: [string, number, (s: RingPair) => void][] = [
    ['per-record publish', 1, perRecord],
    ['batch-64 publish', 64, (s) => batched(s, 64)],
    ['batch-256 publish', 256, (s) => batched(s, 256)],
  ];
  const pairs = new Map<string, RingPair>();
  for (const [name, , fn] of variants) {
    const pair = createPair();
    pairs.set(name, pair);
    bench.add(name, () => fn(pair));
  }
  await bench.run();

  const rows = bench.tasks.map((task) => {
    const lat = latencyOf(task);
    const pair = pairs.get(task.name)!;
    if (pair.errors > 0 || pair.read !== pair.written) {
      throw new Error(`${task.name}: ${pair.errors} bad records, ${pair.written - pair.read} not read`);
    }
    const batch = variants.find(([n]) => n === task.name)![1];
    const recordsPerS = (OP_RECORDS * 1000) / lat.mean;
    const medianRecordsPerS = (OP_RECORDS * 1000) / lat.p50;
    return {
      task: task.name,
      'records/publish': batch,
      'records/op': OP_RECORDS,
      'ops/s': sig(1000 / lat.mean),
      'M records/s': sig(recordsPerS / 1e6),
      'M records/s (median op)': sig(medianRecordsPerS / 1e6),
      'ns/record': sig((lat.mean * 1e6) / OP_RECORDS),
      'p99 ns/record': sig((lat.p99 * 1e6) / OP_RECORDS),
      '>= 20M/s': recordsPerS >= TARGET_RECORDS_PER_S ? 'yes' : 'NO',
      samples: lat.samples,
    };
  });
  return { name: `SpscRing, one thread (capacity ${CAPACITY}, ${RECORD_BYTES}-byte records)`, rows };
}

if (isMainModule(import.meta.url)) printReport(await run());
