/**
 * `record.hftrec`: the recording of a run's normalised ticks and latency samples (docs/architecture.md
 * section 4 "Replay and record"), read back by `--source replay:` and `hft backtest --data`.
 * Byte-level description: docs/recording-format.md.
 *
 *   offset 0   6 bytes  magic "HFTREC" (ASCII)
 *   offset 6   u16 LE   format version
 *   offset 8   u32 LE   header length H in bytes
 *   offset 12  H bytes  UTF-8 JSON header (RecordingHeader)
 *   then frames until end of file: u8 kind (FrameKind), then the record's `sizeBytes` bytes,
 *   little-endian, exactly as the layout's codec writes them into Float64Array/Int32Array views.
 */
import { endianness } from 'node:os';
import { z } from 'zod';
import type { RegistryData } from '../../core/registry.js';
import type { FieldType, RecordLayout } from '../../shm/record-layout.js';
import { LatencySampleLayout, TickLayout } from '../../shm/records.js';

export const RECORDING_MAGIC = 'HFTREC';
/**
 * Bumped whenever the framing, the header's meaning or a recorded layout (Tick, LatencySample)
 * changes. A reader accepts only its own version: there is no silent conversion.
 */
export const RECORDING_FORMAT_VERSION = 1;
/** Magic, version and header length: the fixed part before the JSON header. */
export const PREAMBLE_BYTES = 12;
/** A header longer than this is taken as a corrupt length, not allocated. */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;
export const RECORDING_FILE_NAME = 'record.hftrec';

/** The byte that opens each frame. `RecordingReader.next` returns the same numbers. */
export const FrameKind = { tick: 1, latencySample: 2 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** The widest record, so one aligned scratch area serves both kinds. */
export const MAX_RECORD_BYTES = Math.max(TickLayout.sizeBytes, LatencySampleLayout.sizeBytes);

export interface FieldDescription {
  readonly name: string;
  readonly type: FieldType;
  readonly offset: number;
}

export interface RecordingHeader {
  readonly version: number;
  /** ISO 8601 UTC time the recording started. */
  readonly created_utc: string;
  /** Ids in the frames index these lists; replay maps them to its own registry by name. */
  readonly registry: RegistryData;
  readonly layouts: {
    readonly Tick: readonly FieldDescription[];
    readonly LatencySample: readonly FieldDescription[];
  };
  /** Where the ticks came from (`sim`, `finnhub`, `replay:...`, `venues:...`). */
  readonly source: string;
  /** Seed of a simulated source, so the run can be regenerated. */
  readonly seed?: number;
}

/** A file that is not a readable recording; the message names the file and the byte offset. */
export class RecordingFormatError extends Error {
  override readonly name: string = 'RecordingFormatError';
  /** A bad `--source replay:FILE` is fixed by the user, like a bad flag (docs/contract.md exit 2). */
  readonly exitCode = 2;
  readonly file: string;
  readonly offsetBytes: number;
  readonly reason: string;

  constructor(file: string, offsetBytes: number, reason: string) {
    super(`recording ${file} at byte ${offsetBytes}: ${reason}`);
    this.file = file;
    this.offsetBytes = offsetBytes;
    this.reason = reason;
  }
}

/** The file ends inside a frame (a recorder killed mid-write): the frames before it are intact. */
export class TruncatedRecordingError extends RecordingFormatError {
  /** Bytes of the partial frame at the end of the file. */
  readonly partialBytes: number;

  constructor(file: string, offsetBytes: number, reason: string, partialBytes: number) {
    super(file, offsetBytes, reason);
    this.partialBytes = partialBytes;
  }
}

/** The codecs write with the platform's byte order; the format promises little-endian. */
export function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('recording: only little-endian platforms are supported');
}

export function describeLayout(layout: RecordLayout): FieldDescription[] {
  return layout.fields.map((f) => ({ name: f.name, type: f.type, offset: f.offset }));
}

export function recordBytes(kind: FrameKind): number {
  return kind === FrameKind.tick ? TickLayout.sizeBytes : LatencySampleLayout.sizeBytes;
}

export interface HeaderOptions {
  readonly registry: RegistryData;
  readonly source: string;
  readonly seed?: number;
  /** Default: now. Tests pin it to make files byte-identical. */
  readonly createdUtc?: string;
}

export function createHeader(opts: HeaderOptions): RecordingHeader {
  return {
    version: RECORDING_FORMAT_VERSION,
    created_utc: opts.createdUtc ?? new Date().toISOString(),
    registry: { symbols: [...opts.registry.symbols], venues: [...opts.registry.venues] },
    layouts: { Tick: describeLayout(TickLayout), LatencySample: describeLayout(LatencySampleLayout) },
    source: opts.source,
    ...(opts.seed === undefined ? {} : { seed: opts.seed }),
  };
}

/** Preamble plus JSON header: everything before the first frame. */
export function encodeHeader(header: RecordingHeader): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(PREAMBLE_BYTES + json.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < RECORDING_MAGIC.length; i++) out[i] = RECORDING_MAGIC.charCodeAt(i);
  view.setUint16(6, RECORDING_FORMAT_VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, PREAMBLE_BYTES);
  return out;
}

/** Checks magic and version; returns the JSON header's length. `bytes` holds the first 12 bytes. */
export function decodePreamble(file: string, bytes: Uint8Array): number {
  if (bytes.length < PREAMBLE_BYTES) {
    throw new RecordingFormatError(
      file,
      bytes.length,
      `truncated preamble: ${bytes.length} of ${PREAMBLE_BYTES} bytes`,
    );
  }
  for (let i = 0; i < RECORDING_MAGIC.length; i++) {
    if (bytes[i] !== RECORDING_MAGIC.charCodeAt(i)) {
      throw new RecordingFormatError(file, i, `not a recording: magic is not "${RECORDING_MAGIC}"`);
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, PREAMBLE_BYTES);
  const version = view.getUint16(6, true);
  if (version !== RECORDING_FORMAT_VERSION) {
    throw new RecordingFormatError(
      file,
      6,
      `unsupported format version ${version}, this build reads version ${RECORDING_FORMAT_VERSION}`,
    );
  }
  const length = view.getUint32(8, true);
  if (length > MAX_HEADER_BYTES) {
    throw new RecordingFormatError(file, 8, `header length ${length} exceeds ${MAX_HEADER_BYTES} bytes`);
  }
  return length;
}

const fieldSchema = z.strictObject({
  name: z.string(),
  type: z.enum(['f64', 'i32']),
  offset: z.number().int().min(0),
});

const headerSchema = z.object({
  version: z.number().int(),
  created_utc: z.string(),
  registry: z.object({ symbols: z.array(z.string()), venues: z.array(z.string()) }),
  layouts: z.object({ Tick: z.array(fieldSchema), LatencySample: z.array(fieldSchema) }),
  source: z.string(),
  seed: z.number().optional(),
});

/** Parses and validates the JSON header that starts at byte PREAMBLE_BYTES. */
export function decodeHeader(file: string, json: Uint8Array): RecordingHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (err) {
    throw new RecordingFormatError(file, PREAMBLE_BYTES, `header is not UTF-8 JSON (${String(err)})`);
  }
  const parsed = headerSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RecordingFormatError(file, PREAMBLE_BYTES, `header ${issue.path.join('.')}: ${issue.message}`);
  }
  const header = parsed.data;
  if (header.version !== RECORDING_FORMAT_VERSION) {
    throw new RecordingFormatError(
      file,
      PREAMBLE_BYTES,
      `header version ${header.version} disagrees with preamble version ${RECORDING_FORMAT_VERSION}`,
    );
  }
  checkLayout(file, TickLayout, header.layouts.Tick);
  checkLayout(file, LatencySampleLayout, header.layouts.LatencySample);
  return header;
}

/** The file's records must be byte-compatible with this build's codecs: same fields, same places. */
function checkLayout(file: string, layout: RecordLayout, recorded: readonly FieldDescription[]): void {
  const current = describeLayout(layout);
  const show = (f: FieldDescription | undefined) => (f ? `${f.name} ${f.type} @${f.offset}` : 'nothing');
  const n = Math.max(current.length, recorded.length);
  for (let i = 0; i < n; i++) {
    const a = recorded[i];
    const b = current[i];
    if (a?.name === b?.name && a?.type === b?.type && a?.offset === b?.offset) continue;
    throw new RecordingFormatError(
      file,
      PREAMBLE_BYTES,
      `layout ${layout.name} differs from this build: field ${i} is ${show(a)} in the file, ${show(b)} here`,
    );
  }
}
