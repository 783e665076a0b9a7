/**
 * How main hands the risk stage another shard's state mid-run (a takeover, docs/cluster.md): a
 * shared buffer of journal records (position seeds and open orders) that main writes and then
 * publishes by bumping a sequence; risk applies them at its next poll and acknowledges. One batch
 * in flight at a time: main waits for the acknowledgement before writing the next. Main has
 * already written the same records to the journal file, so a restarted risk worker rebuilds them
 * from there (and acknowledges what was posted before it started).
 */
import { JournalCodec, type JournalEntry, JournalLayout } from '../shm/records.js';

const POSTED = 0;
const APPLIED = 1;
const COUNT = 2;
/** Header Int32s, padded to 8 bytes so the records' f64 view is aligned. */
const HEADER_BYTES = 16;

export interface AdoptionMailboxHandle {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
}

export function createAdoptionMailbox(capacity: number): AdoptionMailboxHandle {
  return { buffer: new SharedArrayBuffer(HEADER_BYTES + capacity * JournalLayout.sizeBytes), capacity };
}

export class AdoptionMailbox {
  private readonly head: Int32Array;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly record = JournalCodec.create();
  readonly capacity: number;

  constructor(handle: AdoptionMailboxHandle) {
    this.capacity = handle.capacity;
    this.head = new Int32Array(handle.buffer, 0, HEADER_BYTES / 4);
    this.f64 = new Float64Array(handle.buffer, HEADER_BYTES);
    this.i32 = new Int32Array(handle.buffer, HEADER_BYTES);
  }

  /** Risk side: a batch is waiting (one atomic load per poll). */
  pending(): boolean {
    return Atomics.load(this.head, POSTED) !== Atomics.load(this.head, APPLIED);
  }

  /** Risk side: applies the waiting batch record by record, then acknowledges it. */
  take(apply: (e: JournalEntry) => void): void {
    const posted = Atomics.load(this.head, POSTED);
    const n = Atomics.load(this.head, COUNT);
    for (let i = 0; i < n; i++) {
      JournalCodec.read(this.f64, this.i32, i * JournalLayout.sizeBytes, this.record);
      apply(this.record);
    }
    Atomics.store(this.head, APPLIED, posted);
  }

  /** Risk side, at start: what was posted before this stage existed is in the journal it replayed. */
  acknowledgeAll(): void {
    Atomics.store(this.head, APPLIED, Atomics.load(this.head, POSTED));
  }

  /** Main side: writes `records` (at most `capacity`) and publishes them; returns the batch's number. */
  post(records: readonly JournalEntry[]): number {
    if (this.pending()) throw new Error('adoption mailbox: the previous batch is not applied yet');
    if (records.length > this.capacity)
      throw new Error(`adoption mailbox: ${records.length} records, room for ${this.capacity}`);
    records.forEach((r, i) => {
      JournalCodec.write(this.f64, this.i32, i * JournalLayout.sizeBytes, r);
    });
    Atomics.store(this.head, COUNT, records.length);
    return Atomics.add(this.head, POSTED, 1) + 1;
  }

  /** Main side: waits (polling, off the hot path) until risk applied batch `seq`; false on timeout. */
  async applied(seq: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Atomics.load(this.head, APPLIED) < seq) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 2));
    }
    return true;
  }
}
