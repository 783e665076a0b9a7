/**
 * The journal file (`journal.hftj` in the report directory): one header line, then fixed-size
 * binary records in the Journal layout, appended in order. The header carries the registry (ids
 * -> names) and the state the run started from (after --recover), so every journal is
 * self-contained. A run killed mid-write leaves at most one partial record at the end, which
 * readers ignore and report.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { RegistryData } from '../core/registry.js';
import { JournalCodec, type JournalEntry, JournalLayout } from '../shm/records.js';
import type { RecoveredSnapshot } from './journal-snapshot.js';

export const JOURNAL_MAGIC = 'HFTJOURNAL';
export const JOURNAL_VERSION = 1;
export const JOURNAL_RECORD_BYTES = JournalLayout.sizeBytes;

export interface JournalHeader {
  version: number;
  created_utc: string;
  registry: RegistryData;
  layout: { name: string; type: string; offset: number }[];
  start: RecoveredSnapshot | null;
}

export class JournalFormatError extends Error {
  override readonly name = 'JournalFormatError';
  readonly exitCode = 2;
}

/** Gets every byte the writer hands to the file, in order (the cluster ships them to a stream). */
export type JournalTap = (bytes: Uint8Array) => void;

export class JournalWriter {
  private readonly fd: number;
  private readonly headerBytes: Uint8Array;
  private tap: JournalTap | null = null;
  private readonly buf: ArrayBuffer;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private used = 0;
  records = 0;

  constructor(
    readonly path: string,
    registry: RegistryData,
    start: RecoveredSnapshot | null,
    private readonly chunkRecords = 1024,
  ) {
    this.fd = openSync(path, 'wx');
    const header: JournalHeader = {
      version: JOURNAL_VERSION,
      created_utc: new Date().toISOString(),
      registry,
      layout: JournalLayout.fields.map((f) => ({ name: f.name, type: f.type, offset: f.offset })),
      start,
    };
    this.headerBytes = new TextEncoder().encode(`${JOURNAL_MAGIC} ${JSON.stringify(header)}\n`);
    writeSync(this.fd, this.headerBytes);
    this.buf = new ArrayBuffer(chunkRecords * JOURNAL_RECORD_BYTES);
    this.f64 = new Float64Array(this.buf);
    this.i32 = new Int32Array(this.buf);
  }

  append(r: JournalEntry): void {
    JournalCodec.write(this.f64, this.i32, this.used * JOURNAL_RECORD_BYTES, r);
    this.used++;
    this.records++;
    if (this.used === this.chunkRecords) this.flush();
  }

  /**
   * From now on `tap` gets every byte written, starting with the header: call it before the first
   * record, so the bytes it gets are the whole file.
   */
  setTap(tap: JournalTap): void {
    if (this.records > 0) throw new Error('journal: a tap must be set before the first record');
    this.tap = tap;
    tap(this.headerBytes.slice());
  }

  /** Hands the buffered records to the OS (they survive a kill -9 of this process from here). */
  flush(): void {
    if (this.used === 0) return;
    const bytes = new Uint8Array(this.buf, 0, this.used * JOURNAL_RECORD_BYTES);
    writeSync(this.fd, bytes);
    this.tap?.(bytes.slice());
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Reads a journal: header, then records one by one into a reused object. */
export class JournalReader {
  readonly header: JournalHeader;
  /** Bytes of a partial record at the end (a run killed mid-write). */
  truncatedBytes = 0;
  private readonly fd: number;
  private readonly buf: Buffer;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private pos: number;
  private avail = 0;
  private at = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    const { header, bodyStart } = readHeader(this.fd, path);
    this.header = header;
    this.pos = bodyStart;
    const ab = new ArrayBuffer(1024 * JOURNAL_RECORD_BYTES);
    this.buf = Buffer.from(ab);
    this.f64 = new Float64Array(ab);
    this.i32 = new Int32Array(ab);
  }

  next(into: JournalEntry): boolean {
    if (this.at + JOURNAL_RECORD_BYTES > this.avail) {
      const leftover = this.avail - this.at;
      this.buf.copy(this.buf, 0, this.at, this.avail);
      const n = readSync(this.fd, this.buf, leftover, this.buf.length - leftover, this.pos);
      this.pos += n;
      this.avail = leftover + n;
      this.at = 0;
      if (this.avail < JOURNAL_RECORD_BYTES) {
        this.truncatedBytes = this.avail;
        return false;
      }
    }
    JournalCodec.read(this.f64, this.i32, this.at, into);
    this.at += JOURNAL_RECORD_BYTES;
    return true;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function readHeader(fd: number, path: string): { header: JournalHeader; bodyStart: number } {
  const probe = Buffer.alloc(1 << 20);
  const n = readSync(fd, probe, 0, probe.length, 0);
  const nl = probe.subarray(0, n).indexOf(10);
  const line = probe.subarray(0, nl < 0 ? n : nl).toString('utf8');
  if (!line.startsWith(`${JOURNAL_MAGIC} `))
    throw new JournalFormatError(`${path}: not a journal (no ${JOURNAL_MAGIC} header)`);
  if (nl < 0) throw new JournalFormatError(`${path}: header line not terminated`);
  let header: JournalHeader;
  try {
    header = JSON.parse(line.slice(JOURNAL_MAGIC.length + 1)) as JournalHeader;
  } catch {
    throw new JournalFormatError(`${path}: header is not valid JSON`);
  }
  if (header.version !== JOURNAL_VERSION)
    throw new JournalFormatError(`${path}: journal version ${header.version} is not supported`);
  const want = JSON.stringify(JournalLayout.fields.map((f) => [f.name, f.type, f.offset]));
  const got = JSON.stringify(header.layout?.map((f) => [f.name, f.type, f.offset]));
  if (want !== got) throw new JournalFormatError(`${path}: record layout differs from this build's`);
  return { header, bodyStart: nl + 1 };
}
