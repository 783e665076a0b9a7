/**
 * A growable in-memory table of fixed-layout records (the codecs of src/shm): the backtest holds
 * a whole recording this way, so replay never touches the file or allocates per event.
 */
import type { RecordCodec, RecordLayout, RecordOf } from '../shm/record-layout.js';

export class RecordTable<L extends RecordLayout> {
  private buffer: ArrayBuffer;
  private f64: Float64Array;
  private i32: Int32Array;
  private n = 0;
  private readonly stride: number;

  constructor(
    private readonly codec: RecordCodec<L>,
    private readonly layout: L,
    initialCapacity = 1024,
  ) {
    this.stride = layout.sizeBytes;
    this.buffer = new ArrayBuffer(this.stride * Math.max(1, initialCapacity));
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  get length(): number {
    return this.n;
  }

  push(record: RecordOf<L>): void {
    if ((this.n + 1) * this.stride > this.buffer.byteLength) this.grow();
    this.codec.write(this.f64, this.i32, this.n * this.stride, record);
    this.n++;
  }

  /** Reads record `i` into `out`. */
  read(i: number, out: RecordOf<L>): void {
    this.codec.read(this.f64, this.i32, i * this.stride, out);
  }

  /** One float64 field of every record, copied out in record order. */
  column(field: L['fields'][number]['name']): Float64Array {
    const f = this.layout.fields.find((x) => x.name === field);
    if (f === undefined || f.type !== 'f64') throw new Error(`record table: ${field} is not a float64 field`);
    const out = new Float64Array(this.n);
    const step = this.stride / 8;
    for (let i = 0, k = f.offset / 8; i < this.n; i++, k += step) out[i] = this.f64[k];
    return out;
  }

  private grow(): void {
    const bigger = new ArrayBuffer(this.buffer.byteLength * 2);
    new Uint8Array(bigger).set(new Uint8Array(this.buffer));
    this.buffer = bigger;
    this.f64 = new Float64Array(bigger);
    this.i32 = new Int32Array(bigger);
  }
}
