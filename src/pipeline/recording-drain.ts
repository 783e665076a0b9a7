/** Main-thread side of the record rings: writes what the run saw into its recording, off the hot path. */
import type { RecordingWriter } from '../market/recording/recording-writer.js';
import { LatencySampleCodec, TickCodec } from '../shm/records.js';
import { type RingHandle, SpscRing } from '../shm/spsc-ring.js';

export class RecordingDrain {
  private readonly ticks: SpscRing;
  private readonly samples: SpscRing;
  private readonly tick = TickCodec.create();
  private readonly sample = LatencySampleCodec.create();

  private warned = false;

  constructor(
    ticks: RingHandle,
    samples: RingHandle,
    private readonly writer: RecordingWriter,
    /** Called once, when the recording reaches its size limit (later frames are counted, not written). */
    private readonly onLimit: () => void = () => {},
  ) {
    this.ticks = new SpscRing(ticks);
    this.samples = new SpscRing(samples);
  }

  private limitReached(): void {
    if (this.warned) return;
    this.warned = true;
    this.onLimit();
  }

  /** Moves everything published so far; each stream stays in its own order. */
  drain(): void {
    for (let n = this.ticks.available(); n > 0; n = this.ticks.available()) {
      for (let i = 0; i < n; i++) {
        TickCodec.read(this.ticks.f64, this.ticks.i32, this.ticks.next(), this.tick);
        if (!this.writer.writeTick(this.tick)) this.limitReached();
      }
      this.ticks.release();
    }
    for (let n = this.samples.available(); n > 0; n = this.samples.available()) {
      for (let i = 0; i < n; i++) {
        LatencySampleCodec.read(this.samples.f64, this.samples.i32, this.samples.next(), this.sample);
        if (!this.writer.writeLatencySample(this.sample)) this.limitReached();
      }
      this.samples.release();
    }
  }
}
