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
    layout: L,
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

  private grow(): void {
    const bigger = new ArrayBuffer(this.buffer.byteLength * 2);
    new Uint8Array(bigger).set(new Uint8Array(this.buffer));
    this.buffer = bigger;
    this.f64 = new Float64Array(bigger);
    this.i32 = new Int32Array(bigger);
  }
}
