/**
 * A table of float64 rows with one writer and any number of readers that never wait (seqlock).
 * The writer makes a row's version odd, writes, then makes it even again; a reader retries when
 * it saw an odd version or the version changed under it. Rows sit on their own cache lines.
 *
 * Ordering: version stores/loads are Atomics (seq-cst); the value accesses between them are plain.
 * V8 does not move plain accesses across Atomics operations and x86-64 keeps loads in order, so a
 * reader that saw the same even version twice read one whole write.
 */
const VERSION_BYTES = 8;

export interface SeqlockTableHandle {
  readonly buffer: SharedArrayBuffer;
  readonly rows: number;
  readonly cols: number;
}

export function createSeqlockTable(rows: number, cols: number): SeqlockTableHandle {
  const stride = rowStrideBytes(cols);
  return { buffer: new SharedArrayBuffer(rows * stride), rows, cols };
}

function rowStrideBytes(cols: number): number {
  return Math.ceil((VERSION_BYTES + cols * 8) / 64) * 64;
}

/** Spins before backing off: the writer may have been descheduled mid-write (more threads than cores). */
const SPIN_ATTEMPTS = 256;
/** A writer mid-write for this long has died inside the write. */
const STUCK_WRITER_MS = 2000;
const backoffWord = new Int32Array(new SharedArrayBuffer(4));

/** Waits out a descheduled writer; throws if it never finishes. */
function backOff(row: number, attempt: number, startedMs: number): number {
  if (attempt < SPIN_ATTEMPTS) return startedMs;
  const now = performance.now();
  if (startedMs === 0) return now;
  if (now - startedMs > STUCK_WRITER_MS) throw new Error(`seqlock row ${row}: writer stuck mid-write`);
  Atomics.wait(backoffWord, 0, 0, 0.02);
  return startedMs;
}

export class SeqlockTable {
  readonly rows: number;
  readonly cols: number;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly strideF64: number;

  constructor(handle: SeqlockTableHandle) {
    this.rows = handle.rows;
    this.cols = handle.cols;
    this.f64 = new Float64Array(handle.buffer);
    this.i32 = new Int32Array(handle.buffer);
    this.strideF64 = rowStrideBytes(handle.cols) / 8;
  }

  beginWrite(row: number): void {
    const v = row * this.strideF64 * 2;
    Atomics.store(this.i32, v, (Atomics.load(this.i32, v) + 1) | 0);
  }

  set(row: number, col: number, value: number): void {
    this.f64[row * this.strideF64 + 1 + col] = value;
  }

  endWrite(row: number): void {
    const v = row * this.strideF64 * 2;
    const next = (Atomics.load(this.i32, v) + 1) | 0;
    // Version 0 means "never written": after 2^31 writes the counter skips it.
    Atomics.store(this.i32, v, next === 0 ? 2 : next);
  }

  /** Writes a whole row at once. */
  writeRow(row: number, values: ArrayLike<number>): void {
    this.beginWrite(row);
    const base = row * this.strideF64 + 1;
    for (let c = 0; c < this.cols; c++) this.f64[base + c] = values[c];
    this.endWrite(row);
  }

  /**
   * Copies a consistent snapshot of `row` into `out` and returns its version (even; 0 means the
   * row was never written). Throws only if a writer stays mid-write for seconds, which means it
   * died inside a write.
   */
  readRow(row: number, out: Float64Array | number[]): number {
    const v = row * this.strideF64 * 2;
    const base = row * this.strideF64 + 1;
    let startedMs = 0;
    for (let attempt = 0; ; attempt++) {
      const before = Atomics.load(this.i32, v);
      if ((before & 1) === 0) {
        for (let c = 0; c < this.cols; c++) out[c] = this.f64[base + c];
        if (Atomics.load(this.i32, v) === before) return before;
      }
      startedMs = backOff(row, attempt, startedMs);
    }
  }

  /** One consistent value. */
  read(row: number, col: number): number {
    const v = row * this.strideF64 * 2;
    const idx = row * this.strideF64 + 1 + col;
    let startedMs = 0;
    for (let attempt = 0; ; attempt++) {
      const before = Atomics.load(this.i32, v);
      if ((before & 1) === 0) {
        const value = this.f64[idx];
        if (Atomics.load(this.i32, v) === before) return value;
      }
      startedMs = backOff(row, attempt, startedMs);
    }
  }

  version(row: number): number {
    return Atomics.load(this.i32, row * this.strideF64 * 2);
  }
}
