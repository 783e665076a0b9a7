/** Main-thread side of the journal ring: moves records into the journal file off the hot path. */
import type { JournalWriter } from '../execution/journal-file.js';
import { JournalCodec } from '../shm/records.js';
import { type RingHandle, SpscRing } from '../shm/spsc-ring.js';

export class JournalDrain {
  private readonly ring: SpscRing;
  private readonly record = JournalCodec.create();
  drained = 0;

  /** `writer` null: records are counted and dropped (benchmarks that measure without a file). */
  constructor(
    handle: RingHandle,
    private readonly writer: JournalWriter | null,
  ) {
    this.ring = new SpscRing(handle);
  }

  /** Moves everything published so far; returns how many records. */
  drain(): number {
    let n = 0;
    for (let avail = this.ring.available(); avail > 0; avail = this.ring.available()) {
      for (let i = 0; i < avail; i++) {
        const off = this.ring.next();
        if (this.writer !== null) {
          JournalCodec.read(this.ring.f64, this.ring.i32, off, this.record);
          this.writer.append(this.record);
        }
      }
      this.ring.release();
      n += avail;
    }
    this.writer?.flush();
    this.drained += n;
    return n;
  }
}
