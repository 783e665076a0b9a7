/**
 * Ships a run's journal file, byte for byte as the writer hands it to the file, to the shard's
 * subject of the replicated journal stream (journal-stream.ts): the first message of a run starts
 * with its header line, every later one continues it. Messages are published one at a time,
 * fenced (a zombie is refused) and retried under the same id (a leader election stores them once);
 * chunks that queue up while a publish is in flight leave together, up to MAX_MESSAGE_BYTES. Off
 * the hot path: the main thread's journal drain feeds it.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { ShardJournalWriter, ZombieWriterError } from './journal-stream.js';

/** First byte of a stream message: a run's first chunk (with the journal header) or a later one. */
export const JournalChunk = { runStart: 1, continued: 2 } as const;
const MAX_MESSAGE_BYTES = 512 * 1024;

export class JournalShipper {
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private messages = 0;
  private pumping: Promise<void> | null = null;
  private failure: Error | null = null;
  shippedBytes = 0;
  /** The most bytes that waited to be shipped at once. */
  maxLagBytes = 0;

  private constructor(
    private readonly writer: ShardJournalWriter,
    /** Makes message ids unique per run: a run's chunks never collide with an earlier run's. */
    private readonly runId: string,
    private readonly onFailure: (err: Error) => void,
  ) {}

  static async open(
    js: JetStreamClient,
    jsm: JetStreamManager,
    shard: string | number,
    runId: string,
    onFailure: (err: Error) => void,
  ): Promise<JournalShipper> {
    return new JournalShipper(await ShardJournalWriter.open(js, jsm, shard), runId, onFailure);
  }

  /** Queues bytes the journal writer wrote (the JournalWriter tap). */
  push(bytes: Uint8Array): void {
    if (this.failure !== null) return;
    this.queue.push(bytes);
    this.queuedBytes += bytes.length;
    this.maxLagBytes = Math.max(this.maxLagBytes, this.queuedBytes);
    this.pumping ??= this.pump().finally(() => {
      this.pumping = null;
    });
  }

  /** Waits until everything queued is shipped (or `timeoutMs` passes); true when nothing is left. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length > 0 || this.pumping !== null) {
      if (this.failure !== null || Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.failure === null;
  }

  get lagBytes(): number {
    return this.queuedBytes;
  }

  get failed(): Error | null {
    return this.failure;
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0 && this.failure === null) {
      const body = this.take();
      const msg = new Uint8Array(body.length + 1);
      msg[0] = this.messages === 0 ? JournalChunk.runStart : JournalChunk.continued;
      msg.set(body, 1);
      try {
        await this.writer.append(`${this.runId}:${this.messages}`, msg);
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
        this.onFailure(this.failure);
        return;
      }
      this.messages++;
      this.shippedBytes += body.length;
    }
  }

  /** Takes queued chunks, together up to MAX_MESSAGE_BYTES, as one body. */
  private take(): Uint8Array {
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && (n === 0 || bytes + this.queue[n].length <= MAX_MESSAGE_BYTES))
      bytes += this.queue[n++].length;
    const body = new Uint8Array(bytes);
    let at = 0;
    for (const chunk of this.queue.splice(0, n)) {
      body.set(chunk, at);
      at += chunk.length;
    }
    this.queuedBytes -= bytes;
    return body;
  }
}

export { ZombieWriterError };

/**
 * The journal file of the last run shipped in `messages` (a shard's subject, in order): its first
 * chunk and every one after it, joined; null when no run was shipped. Byte for byte the run's
 * `journal.hftj` up to its last shipped flush.
 */
export function lastRunJournal(messages: readonly Uint8Array[]): Uint8Array | null {
  let start = -1;
  for (let i = messages.length - 1; i >= 0 && start < 0; i--)
    if (messages[i][0] === JournalChunk.runStart) start = i;
  if (start < 0) return null;
  const parts = messages.slice(start).map((m) => m.subarray(1));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
