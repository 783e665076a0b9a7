/**
 * A shard's journal replicated as a JetStream stream subject (`hft.journal.<shard>`): every
 * journal record is published with a message id made of the shard and the record's own number,
 * so a worker restart that sends records again stores each once (the stream's duplicate window),
 * and with the stream sequence this writer last stored on the subject as the expected last
 * sequence, so a zombie daemon (one that lost its shard's lease but still writes) is refused on
 * its first write after the new owner's. `readShard` returns the subject's records in order for
 * `--recover`.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { CLUSTER_REPLICAS, untilPlaced } from './cluster-client.js';

export const JOURNAL_STREAM = 'HFT_JOURNAL';
/** Resends within this window are recognised as duplicates. */
const DUPLICATE_WINDOW_NS = 120e9;
const FETCH_EXPIRES_MS = 1000;
/** A publish is tried this many times (about 10 s in all) before the append fails. */
const PUBLISH_ATTEMPTS = 50;
const RETRY_MS = 200;
/** How long a read of a shard's journal keeps trying through elections. */
const READ_WAIT_MS = 30_000;

export function journalSubject(shard: string | number): string {
  return `hft.journal.${shard}`;
}

export async function ensureJournalStream(jsm: JetStreamManager, replicas = CLUSTER_REPLICAS): Promise<void> {
  try {
    await jsm.streams.info(JOURNAL_STREAM);
  } catch {
    await untilPlaced(() =>
      jsm.streams.add({
        name: JOURNAL_STREAM,
        subjects: ['hft.journal.>'],
        num_replicas: replicas,
        duplicate_window: DUPLICATE_WINDOW_NS,
      }),
    );
  }
}

/**
 * The stream sequence of the subject's last record, 0 when it has none. Any other failure (no
 * leader during an election, a timeout) is thrown: taken for "none", it would make a writer a
 * zombie and a recovery empty.
 */
export async function lastShardSequence(jsm: JetStreamManager, shard: string | number): Promise<number> {
  try {
    const m = await jsm.streams.getMessage(JOURNAL_STREAM, { last_by_subj: journalSubject(shard) });
    return m?.seq ?? 0;
  } catch (err) {
    if (/no message found|not found/i.test((err as Error).message)) return 0;
    throw err;
  }
}

export class ShardJournalWriter {
  /** Records stored, and resends the stream recognised as duplicates. */
  stored = 0;
  duplicates = 0;
  /** Publishes tried again after a failure (a leader election, a lost ack). */
  retries = 0;

  private constructor(
    private readonly js: JetStreamClient,
    readonly shard: string | number,
    private lastSeq: number,
  ) {}

  /** A writer that continues after the subject's last record (read it first: the fence). */
  static async open(
    js: JetStreamClient,
    jsm: JetStreamManager,
    shard: string | number,
  ): Promise<ShardJournalWriter> {
    return new ShardJournalWriter(js, shard, await throughElections(() => lastShardSequence(jsm, shard)));
  }

  /**
   * Stores record `recordNo` (a number or id unique per shard). A failed
   * publish (no leader while the stream elects one, a lost ack) is retried with the same message
   * id, so it is stored once. Throws ZombieWriterError when another writer stored on the subject
   * since this one's last record.
   */
  async append(recordNo: number | string, bytes: Uint8Array): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await this.js.publish(journalSubject(this.shard), bytes, {
          msgID: `${this.shard}:${recordNo}`,
          expect: { lastSubjectSequence: this.lastSeq },
        });
        if (ack.duplicate) this.duplicates++;
        else this.stored++;
        this.lastSeq = Math.max(this.lastSeq, ack.seq);
        return;
      } catch (err) {
        const message = (err as Error).message;
        if (/wrong last sequence/i.test(message))
          throw new ZombieWriterError(
            `journal ${journalSubject(this.shard)}: another writer owns it (${message})`,
          );
        if (attempt >= PUBLISH_ATTEMPTS) throw err;
        this.retries++;
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }
}

/** This daemon lost its shard: another owner has written the shard's journal since. */
export class ZombieWriterError extends Error {
  override readonly name = 'ZombieWriterError';
}

/** Every record of the shard's subject, in order (for --recover). */
export async function readShard(
  js: JetStreamClient,
  jsm: JetStreamManager,
  shard: string | number,
): Promise<Uint8Array[]> {
  return await throughElections(() => readShardOnce(js, jsm, shard));
}

/**
 * Runs a read until it succeeds or READ_WAIT_MS has passed: a read that meets an election (a
 * timeout, no leader) starts over, which is safe because it only reads.
 */
async function throughElections<T>(read: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + READ_WAIT_MS;
  for (;;) {
    try {
      return await read();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
}

async function readShardOnce(
  js: JetStreamClient,
  jsm: JetStreamManager,
  shard: string | number,
): Promise<Uint8Array[]> {
  const last = await lastShardSequence(jsm, shard);
  const out: Uint8Array[] = [];
  if (last === 0) return out;
  const consumer = await js.consumers.get(JOURNAL_STREAM, { filter_subjects: journalSubject(shard) });
  for (;;) {
    const batch = await consumer.fetch({ max_messages: 1000, expires: FETCH_EXPIRES_MS });
    let seen = 0;
    for await (const m of batch) {
      out.push(m.data);
      seen++;
      if (m.seq >= last) return out;
    }
    if (seen === 0) throw new Error(`journal ${journalSubject(shard)}: stream ended before sequence ${last}`);
  }
}
