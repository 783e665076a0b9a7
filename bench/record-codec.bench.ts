/**
 * Record codecs: ns per write and per read of one Tick / Order between a reused plain object and
 * a ring-like SharedArrayBuffer (64-byte slots, walking the slots as a ring does). One call is a
 * few ns, under the timer's resolution, so each op handles OP_RECORDS records and ns/record =
 * mean op time / OP_RECORDS.
 *
 *   npm run build && node dist/bench/record-codec.bench.js
 */
import { Bench } from 'tinybench';
import type { RecordCodec, RecordLayout, RecordOf } from '../src/shm/record-layout.js';
import { OrderCodec, TickCodec } from '../src/shm/records.js';
import { type BenchReport, isMainModule, latencyOf, printReport, sig } from './bench-report.js';

const SLOTS = 1024;
const SLOT_BYTES = 128;
const OP_RECORDS = 1024;

interface CodecFixture {
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  readonly rec: RecordOf<RecordLayout>;
  readonly out: RecordOf<RecordLayout>;
  /** Sum of a field read back, so the reads cannot be optimised away; checked after the run. */
  sink: number;
}

function fixture<L extends RecordLayout>(codec: RecordCodec<L>): CodecFixture {
  const buffer = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
  const rec = codec.create() as RecordOf<RecordLayout>;
  for (const f of codec.layout.fields) rec[f.name] = f.type === 'f64' ? 101.25 : 3;
  const fx = { f64: new Float64Array(buffer), i32: new Int32Array(buffer), rec, out: codec.create(), sink: 0 };
  // Fill every slot so reads see real records.
  for (let s = 0; s < SLOTS; s++) codec.write(fx.f64, fx.i32, s * SLOT_BYTES, rec as RecordOf<L>);
  return fx;
}

function writeOp(codec: RecordCodec<RecordLayout>, fx: CodecFixture, first: string): void {
  const rec = fx.rec;
  for (let i = 0; i < OP_RECORDS; i++) {
    rec[first] = i; // a changing value, as a real producer writes
    codec.write(fx.f64, fx.i32, (i & (SLOTS - 1)) * SLOT_BYTES, rec);
  }
}

function readOp(codec: RecordCodec<RecordLayout>, fx: CodecFixture, first: string): void {
  let sum = 0;
  for (let i = 0; i < OP_RECORDS; i++) sum += codec.read(fx.f64, fx.i32, (i & (SLOTS - 1)) * SLOT_BYTES, fx.out)[first];
  fx.sink += sum;
}

function roundTripOp(codec: RecordCodec<RecordLayout>, fx: CodecFixture, first: string): void {
  const rec = fx.rec;
  let sum = 0;
  for (let i = 0; i < OP_RECORDS; i++) {
    const off = (i & (SLOTS - 1)) * SLOT_BYTES;
    rec[first] = i;
    codec.write(fx.f64, fx.i32, off, rec);
    sum += codec.read(fx.f64, fx.i32, off, fx.out)[first] - i;
  }
  if (sum !== 0) throw new Error(`${codec.layout.name}: round trip changed ${first}`);
}

export async function run(): Promise<BenchReport> {
  const bench = new Bench({ time: 600, warmupTime: 150, throws: true });
  const codecs = [TickCodec, OrderCodec] as unknown as RecordCodec<RecordLayout>[];
  const fixtures: CodecFixture[] = [];
  for (const codec of codecs) {
    const name = codec.layout.name;
    const first = codec.layout.fields[0].name;
    const fx = fixture(codec);
    fixtures.push(fx);
    bench.add(`${name} write`, () => writeOp(codec, fx, first));
    bench.add(`${name} read`, () => readOp(codec, fx, first));
    bench.add(`${name} write+read`, () => roundTripOp(codec, fx, first));
  }
  await bench.run();
  if (fixtures.some((fx) => !Number.isFinite(fx.sink))) throw new Error('codec bench: bad read-back sum');

  const rows = bench.tasks.map((task) => {
    const lat = latencyOf(task);
    const codec = codecs.find((c) => task.name.startsWith(`${c.layout.name} `))!;
    return {
      task: task.name,
      'record bytes': codec.layout.sizeBytes,
      'ns/record': sig((lat.mean * 1e6) / OP_RECORDS),
      'p50 ns/record': sig((lat.p50 * 1e6) / OP_RECORDS),
      'p99 ns/record': sig((lat.p99 * 1e6) / OP_RECORDS),
      'M records/s': sig(OP_RECORDS / lat.mean / 1e3),
      samples: lat.samples,
    };
  });
  return { name: `Record codecs (${OP_RECORDS} records per op, ${SLOT_BYTES}-byte slots)`, rows };
}

if (isMainModule(import.meta.url)) printReport(await run());
