/**
 * Where a consumer thread parks. Every ring feeding that thread rings the same doorbell, so one
 * `Atomics.wait` covers all of a thread's inputs. Producers only pay for `Atomics.notify` when the
 * consumer has announced it is parked.
 */
const SEQ = 0;
/** Parked flag on its own 64-byte line, away from the sequence that producers bump. */
const PARKED = 16;
export const DOORBELL_BYTES = 128;

export class Doorbell {
  private readonly words: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    if (buffer.byteLength < DOORBELL_BYTES) throw new Error('doorbell buffer too small');
    this.words = new Int32Array(buffer, 0, DOORBELL_BYTES / 4);
  }

  static create(): Doorbell {
    return new Doorbell(new SharedArrayBuffer(DOORBELL_BYTES));
  }

  /** Producer side, after publishing: wake the consumer if (and only if) it is parked. */
  ring(): void {
    if (Atomics.load(this.words, PARKED) !== 0) {
      Atomics.add(this.words, SEQ, 1);
      Atomics.notify(this.words, SEQ);
    }
  }

  /** Wakes the consumer unconditionally (shutdown, control messages). */
  wake(): void {
    Atomics.add(this.words, SEQ, 1);
    Atomics.notify(this.words, SEQ);
  }

  /**
   * Consumer side, step 1: announce the park and take the sequence to wait on. The caller must
   * re-check its rings after this and before `park`: a producer that published after that
   * re-check sees the flag (both are seq-cst) and bumps the sequence, so the wait cannot miss it.
   */
  prepareToPark(): number {
    Atomics.store(this.words, PARKED, 1);
    return Atomics.load(this.words, SEQ);
  }

  /** Consumer side, step 2. May return with nothing new (late notify): callers loop. */
  park(seq: number, timeoutMs: number): void {
    Atomics.wait(this.words, SEQ, seq, timeoutMs);
    Atomics.store(this.words, PARKED, 0);
  }

  cancelPark(): void {
    Atomics.store(this.words, PARKED, 0);
  }

  /** Async park for threads that must keep their event loop turning (onnxruntime, sockets). */
  async parkAsync(seq: number, timeoutMs: number): Promise<void> {
    const res = Atomics.waitAsync(this.words, SEQ, seq, timeoutMs);
    if (res.async) await res.value;
    Atomics.store(this.words, PARKED, 0);
  }
}
