/**
 * Appends ticks and latency samples to a `record.hftrec` file (format: recording-format.ts). Each
 * record is encoded by its codec into an aligned scratch area and copied behind its kind byte in
 * one reused buffer, which goes to the file in large writes: no allocation per record.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import {
  type LatencySample,
  LatencySampleCodec,
  LatencySampleLayout,
  type Tick,
  TickCodec,
  TickLayout,
} from '../../shm/records.js';
import {
  assertLittleEndian,
  createHeader,
  encodeHeader,
  FrameKind,
  type HeaderOptions,
  MAX_RECORD_BYTES,
  type RecordingHeader,
} from './recording-format.js';

export interface RecordingWriterOptions extends HeaderOptions {
  /** Buffered bytes that trigger a write; default 64 KiB. */
  readonly flushBytes?: number;
  /** The file never grows past this many bytes: frames beyond it are refused (whole frames only). */
  readonly maxBytes?: number;
}

const DEFAULT_FLUSH_BYTES = 64 * 1024;
/** Frames start here, behind the scratch area the codecs write into (it must stay 8-aligned). */
const DATA_START = MAX_RECORD_BYTES;

export class RecordingWriter {
  readonly path: string;
  readonly header: RecordingHeader;
  private fd: number;
  private readonly bytes: Uint8Array;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly flushAt: number;
  private pos = DATA_START;
  private tickCount = 0;
  private sampleCount = 0;
  private written = 0;
  private readonly maxBytes: number;
  private refused = 0;

  /** Creates (or truncates) `path` and writes the header at once. */
  constructor(path: string, options: RecordingWriterOptions) {
    assertLittleEndian();
    const flushBytes = options.flushBytes ?? DEFAULT_FLUSH_BYTES;
    if (!(Number.isInteger(flushBytes) && flushBytes > 0)) {
      throw new RangeError(`recording writer flushBytes: must be a positive integer, got ${flushBytes}`);
    }
    this.path = path;
    this.maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.header = createHeader(options);
    // Room for one whole frame past the flush mark, so appends never check capacity.
    const buffer = new ArrayBuffer(DATA_START + flushBytes + 1 + MAX_RECORD_BYTES);
    this.bytes = new Uint8Array(buffer);
    this.f64 = new Float64Array(buffer, 0, DATA_START / 8);
    this.i32 = new Int32Array(buffer, 0, DATA_START / 4);
    this.flushAt = DATA_START + flushBytes;
    this.fd = openSync(path, 'w');
    this.writeAll(encodeHeader(this.header), 0, -1);
  }

  /** Ticks plus latency samples appended so far. */
  get records(): number {
    return this.tickCount + this.sampleCount;
  }

  get ticks(): number {
    return this.tickCount;
  }

  get latencySamples(): number {
    return this.sampleCount;
  }

  /** Bytes handed to the file so far (header included); buffered frames are not counted. */
  get bytesWritten(): number {
    return this.written;
  }

  get closed(): boolean {
    return this.fd < 0;
  }

  /** Frames refused because the file reached maxBytes. */
  get refusedAtLimit(): number {
    return this.refused;
  }

  /** Appends a tick; false (nothing written) once the file would pass maxBytes. */
  writeTick(tick: Tick): boolean {
    this.checkOpen();
    if (!this.fits(TickLayout.sizeBytes)) return false;
    TickCodec.write(this.f64, this.i32, 0, tick);
    this.append(FrameKind.tick, TickLayout.sizeBytes);
    this.tickCount++;
    return true;
  }

  /** Appends a latency sample; false (nothing written) once the file would pass maxBytes. */
  writeLatencySample(sample: LatencySample): boolean {
    this.checkOpen();
    if (!this.fits(LatencySampleLayout.sizeBytes)) return false;
    LatencySampleCodec.write(this.f64, this.i32, 0, sample);
    this.append(FrameKind.latencySample, LatencySampleLayout.sizeBytes);
    this.sampleCount++;
    return true;
  }

  private fits(size: number): boolean {
    if (this.written + (this.pos - DATA_START) + 1 + size <= this.maxBytes) return true;
    this.refused++;
    return false;
  }

  /** Hands buffered frames to the operating system (not fsync: a crash may still lose them). */
  flush(): void {
    this.checkOpen();
    if (this.pos === DATA_START) return;
    this.writeAll(this.bytes, DATA_START, this.pos - DATA_START);
    this.pos = DATA_START;
  }

  /** Flushes and closes the file; a second call does nothing. */
  close(): void {
    if (this.fd < 0) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  private append(kind: FrameKind, size: number): void {
    const at = this.pos;
    this.bytes[at] = kind;
    // Tick's tail padding (bytes 92-95) is never written by a codec, so it stays 0 in the file.
    this.bytes.copyWithin(at + 1, 0, size);
    this.pos = at + 1 + size;
    if (this.pos >= this.flushAt) this.flush();
  }

  /** `length` -1 means all of `data` from `offset`. writeSync may write less than asked. */
  private writeAll(data: Uint8Array, offset: number, length: number): void {
    let left = length < 0 ? data.length - offset : length;
    let at = offset;
    while (left > 0) {
      const n = writeSync(this.fd, data, at, left);
      at += n;
      left -= n;
      this.written += n;
    }
  }

  private checkOpen(): void {
    if (this.fd < 0) throw new Error(`recording ${this.path}: writer is closed`);
  }
}
