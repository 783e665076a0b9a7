/**
 * Record codecs: ns per write and per read of one Tick / Order between a reused plain object and
 * a ring-like SharedArrayBuffer (128-byte slots, walked as a ring walks them). One call is a few
 * ns, under the timer's resolution, so each op handles OP_RECORDS records and
 * ns/record = mean op time / OP_RECORDS. Each codec has its own loop so every call site stays
 * monomorphic, as it is in a stage that handles one record type.
 *
 *   npm run build && node dist/bench/record-codec.bench.js
 */
import { Bench } from 'tinybench';
import { type Order, OrderCodec, type Tick, TickCodec } from '../src/shm/records.js';
import { type BenchReport, isMainModule, latencyOf, printReport, sig } from './bench-report.js';

const SLOTS = 1024;
const SLOT_BYTES = 128;
const OP_RECORDS = 1024;

const buffer = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
const f64 = new Float64Array(buffer);
const i32 = new Int32Array(buffer);
const slotOffset = (i: number) => (i & (SLOTS - 1)) * SLOT_BYTES;

function sampleTick(): Tick {
  return Object.assign(TickCodec.create(), {
    exchTsNs: 1.5e12,
    recvTsNs: 1.5e12 + 2e4,
    ingestTsNs: 1.5e12 + 2.1e4,
    bidPx: 101.25,
    askPx: 101.27,
    bidQty: 300,
    askQty: 500,
    lastPx: 101.26,
    lastQty: 100,
    symbolId: 3,
    venueId: 1,
    flags: 1,
  });
}

function sampleOrder(): Order {
  return Object.assign(OrderCodec.create(), {
    qty: 100,
    limitPx: 101.27,
    arrivalMid: 101.26,
    tickRecvTsNs: 1.5e12,
    tickIngestTsNs: 1.5e12 + 1e3,
    routeTsNs: 1.5e12 + 5e3,
    riskTsNs: 1.5e12 + 6e3,
    symbolId: 3,
    venueId: 1,
    side: 1,
    type: 1,
    strategyId: 2,
  });
}

const tick = sampleTick();
const tickOut = TickCodec.create();
const order = sampleOrder();
const orderOut = OrderCodec.create();
/** Sums of a field read back, so reads cannot be optimised away; checked after the run. */
let sink = 0;

function tickWrite(): void {
  for (let i = 0; i < OP_RECORDS; i++) {
    tick.seq = i;
    TickCodec.write(f64, i32, slotOffset(i), tick);
  }
}

function tickRead(): void {
  let sum = 0;
  for (let i = 0; i < OP_RECORDS; i++) sum += TickCodec.read(f64, i32, slotOffset(i), tickOut).seq;
  sink += sum;
}

function tickRoundTrip(): void {
  let diff = 0;
  for (let i = 0; i < OP_RECORDS; i++) {
    tick.seq = i;
    TickCodec.write(f64, i32, slotOffset(i), tick);
    diff += TickCodec.read(f64, i32, slotOffset(i), tickOut).seq - i;
  }
  if (diff !== 0) throw new Error('Tick round trip changed seq');
}

function orderWrite(): void {
  for (let i = 0; i < OP_RECORDS; i++) {
    order.clientOrderId = i;
    OrderCodec.write(f64, i32, slotOffset(i), order);
  }
}

function orderRead(): void {
  let sum = 0;
  for (let i = 0; i < OP_RECORDS; i++)
    sum += OrderCodec.read(f64, i32, slotOffset(i), orderOut).clientOrderId;
  sink += sum;
}

function orderRoundTrip(): void {
  let diff = 0;
  for (let i = 0; i < OP_RECORDS; i++) {
    order.clientOrderId = i;
    OrderCodec.write(f64, i32, slotOffset(i), order);
    diff += OrderCodec.read(f64, i32, slotOffset(i), orderOut).clientOrderId - i;
  }
  if (diff !== 0) throw new Error('Order round trip changed clientOrderId');
}

const TASKS = [
  ['Tick write', TickCodec.layout.sizeBytes, tickWrite],
  ['Tick read', TickCodec.layout.sizeBytes, tickRead],
  ['Tick write+read', TickCodec.layout.sizeBytes, tickRoundTrip],
  ['Order write', OrderCodec.layout.sizeBytes, orderWrite],
  ['Order read', OrderCodec.layout.sizeBytes, orderRead],
  ['Order write+read', OrderCodec.layout.sizeBytes, orderRoundTrip],
] as const;

export async function run(): Promise<BenchReport> {
  const bench = new Bench({ time: 600, warmupTime: 150, throws: true });
  for (const [name, , fn] of TASKS) bench.add(name, fn);
  await bench.run();
  if (!(sink > 0)) throw new Error('codec bench: reads returned nothing');

  const rows = bench.tasks.map((task) => {
    const lat = latencyOf(task);
    return {
      task: task.name,
      'record bytes': TASKS.find(([n]) => n === task.name)![1],
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
