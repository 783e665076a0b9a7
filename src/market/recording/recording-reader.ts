/**
 * Streams a `record.hftrec` file (format: recording-format.ts) through one reused chunk buffer.
 * Frames are 1 + sizeBytes long, so records sit at any byte offset in the chunk; each is copied
 * into an 8-aligned scratch area first, because the codecs read through Float64Array views.
 */
import { closeSync, openSync, readSync } from 'node:fs';
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
  decodeHeader,
  decodePreamble,
  FrameKind,
  MAX_RECORD_BYTES,
  PREAMBLE_BYTES,
  RecordingFormatError,
  type RecordingHeader,
  TruncatedRecordingError,
} from './recording-format.js';

export interface RecordingReaderOptions {
  /** Bytes read per `readSync`; default 1 MiB. */
  readonly chunkBytes?: number;
}

/** What `next` read: 0 end of file, otherwise the FrameKind it filled. */
export type ReadResult = 0 | FrameKind;

const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** Chunk data starts behind the aligned scratch area. */
const DATA_START = MAX_RECORD_BYTES;
const TICK_FRAME = 1 + TickLayout.sizeBytes;
const SAMPLE_FRAME = 1 + LatencySampleLayout.sizeBytes;

export class RecordingReader {
  readonly path: string;
  readonly header: RecordingHeader;
  /** File offset of the first frame. */
  readonly dataOffset: number;
  private fd: number;
  private readonly bytes: Uint8Array;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  /** Next unread byte and end of valid bytes in `bytes`. */
  private pos = DATA_START;
  private end = DATA_START;
  /** File offset of `bytes[DATA_START]`. */
  private chunkFileOffset: number;
  private eof = false;
  private headerLength = 0;

  /** Opens `path` and checks its preamble and header; throws RecordingFormatError if unreadable. */
  constructor(path: string, options: RecordingReaderOptions = {}) {
    assertLittleEndian();
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!(Number.isInteger(chunkBytes) && chunkBytes >= 2 * TICK_FRAME)) {
      throw new RangeError(`recording reader chunkBytes: must be an integer >= ${2 * TICK_FRAME}`);
    }
    this.path = path;
    const buffer = new ArrayBuffer(DATA_START + chunkBytes);
    this.bytes = new Uint8Array(buffer);
    this.f64 = new Float64Array(buffer, 0, DATA_START / 8);
    this.i32 = new Int32Array(buffer, 0, DATA_START / 4);
    this.fd = openSync(path, 'r');
    try {
      this.header = this.readHeader();
    } catch (err) {
      this.close();
      throw err;
    }
    this.dataOffset = PREAMBLE_BYTES + this.headerLength;
    this.chunkFileOffset = this.dataOffset;
  }

  /** File offset of the next frame `next` will read. */
  get offsetBytes(): number {
    return this.chunkFileOffset + (this.pos - DATA_START);
  }

  /**
   * Reads the next frame into `tick` or `sample` (the other is left alone) and says which; 0 at the
   * end of the file. Throws RecordingFormatError on an unknown frame kind or a truncated frame.
   */
  next(tick: Tick, sample: LatencySample): ReadResult {
    if (this.pos >= this.end && !this.ensure(1)) return 0;
    const kind = this.bytes[this.pos];
    if (kind === FrameKind.tick) {
      if (this.end - this.pos < TICK_FRAME) this.require(TICK_FRAME, 'tick');
      this.bytes.copyWithin(0, this.pos + 1, this.pos + TICK_FRAME);
      TickCodec.read(this.f64, this.i32, 0, tick);
      this.pos += TICK_FRAME;
      return FrameKind.tick;
    }
    if (kind === FrameKind.latencySample) {
      if (this.end - this.pos < SAMPLE_FRAME) this.require(SAMPLE_FRAME, 'latency sample');
      this.bytes.copyWithin(0, this.pos + 1, this.pos + SAMPLE_FRAME);
      LatencySampleCodec.read(this.f64, this.i32, 0, sample);
      this.pos += SAMPLE_FRAME;
      return FrameKind.latencySample;
    }
    throw new RecordingFormatError(this.path, this.offsetBytes, `unknown frame kind ${kind}`);
  }

  /** Continues reading at file offset `offsetBytes` (a frame boundary at or after the first frame). */
  seek(offsetBytes: number): void {
    if (!(Number.isInteger(offsetBytes) && offsetBytes >= this.dataOffset)) {
      throw new RangeError(
        `recording ${this.path}: cannot seek to byte ${offsetBytes} (frames start at ${this.dataOffset})`,
      );
    }
    this.chunkFileOffset = offsetBytes;
    this.pos = DATA_START;
    this.end = DATA_START;
    this.eof = false;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  private require(frameBytes: number, what: string): void {
    if (this.ensure(frameBytes)) return;
    const have = this.end - this.pos;
    throw new TruncatedRecordingError(
      this.path,
      this.offsetBytes,
      `truncated ${what} frame: needs ${frameBytes} bytes, the file ends after ${have}`,
      have,
    );
  }

  /**
   * Makes at least `n` unread bytes available, moving the unread tail to the front of the chunk
   * and refilling behind it. False when the file ends first.
   */
  private ensure(n: number): boolean {
    if (this.end - this.pos >= n) return true;
    if (this.eof) return false;
    if (this.fd < 0) throw new Error(`recording ${this.path}: reader is closed`);
    const tail = this.end - this.pos;
    this.chunkFileOffset += this.pos - DATA_START;
    this.bytes.copyWithin(DATA_START, this.pos, this.end);
    this.pos = DATA_START;
    this.end = DATA_START + tail;
    while (this.end < this.bytes.length) {
      const got = readSync(this.fd, this.bytes, this.end, this.bytes.length - this.end, this.fileEnd());
      if (got === 0) {
        this.eof = true;
        break;
      }
      this.end += got;
    }
    return this.end - this.pos >= n;
  }

  /** File offset just past the last byte held in the chunk. */
  private fileEnd(): number {
    return this.chunkFileOffset + (this.end - DATA_START);
  }

  private readHeader(): RecordingHeader {
    const preamble = new Uint8Array(PREAMBLE_BYTES);
    const got = this.readFully(preamble, 0);
    this.headerLength = decodePreamble(this.path, preamble.subarray(0, got));
    const json = new Uint8Array(this.headerLength);
    const jsonGot = this.readFully(json, PREAMBLE_BYTES);
    if (jsonGot < this.headerLength) {
      throw new RecordingFormatError(
        this.path,
        PREAMBLE_BYTES + jsonGot,
        `truncated header: ${jsonGot} of ${this.headerLength} bytes`,
      );
    }
    return decodeHeader(this.path, json);
  }

  /** Reads into all of `into` from file offset `at` unless the file ends; returns bytes read. */
  private readFully(into: Uint8Array, at: number): number {
    let got = 0;
    while (got < into.length) {
      const n = readSync(this.fd, into, got, into.length - got, at + got);
      if (n === 0) break;
      got += n;
    }
    return got;
  }
}
