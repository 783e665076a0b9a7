/**
 * `record.hftpol`: what a trained policy decided from in a live run, beside the run's recording
 * (`record.hftrec`): a preamble (magic `HFTPOL`, u16 version, u32 JSON header length), a JSON
 * header (router, policy model, registry, the frame layout), then PolicyInput frames
 * (policy-inputs.ts) back to back, little-endian, in the order the policy read them. Main
 * drains the policy's log ring into it off the hot path; a backtest of the recording replays it
 * (src/backtest/policy-replay.ts).
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { RecordTable } from '../backtest/record-table.js';
import type { RegistryData } from '../core/registry.js';
import { type RingHandle, SpscRing } from '../shm/spsc-ring.js';
import { PolicyInputCodec, type PolicyInputFrame, PolicyInputLayout } from './policy-inputs.js';

const MAGIC = 'HFTPOL';
export const POLICY_LOG_VERSION = 1;

export interface PolicyLogHeader {
  readonly version: number;
  readonly router: string;
  /** The policy's model directory, as the run loaded it. */
  readonly policy: string;
  readonly registry: RegistryData;
  readonly layout: typeof PolicyInputLayout.fields;
}

export interface PolicyLog {
  readonly header: PolicyLogHeader;
  readonly frames: RecordTable<typeof PolicyInputLayout>;
}

/** The policy log beside a recording: `x.hftrec` -> `x.hftpol`. */
export function policyLogPathFor(recordingPath: string): string {
  return `${recordingPath.replace(/\.hftrec$/, '')}.hftpol`;
}

export class PolicyLogWriter {
  private readonly fd: number;
  private readonly ring: SpscRing;
  private readonly bytes: Uint8Array;
  /** Frames are gathered here and written a batch at a time. */
  private readonly batch = Buffer.alloc(1024 * PolicyInputLayout.sizeBytes);
  /** Frames written. */
  frames = 0;
  /** Frames drained but not written because the file reached `maxBytes`. */
  droppedAtLimit = 0;
  private bytesWritten = 0;

  /**
   * `maxBytes` bounds the file as system.record_max_mb bounds the recording (this log grows about
   * ten times slower than the recording, so the recording stops first at the same limit).
   */
  constructor(
    readonly path: string,
    ring: RingHandle,
    header: Omit<PolicyLogHeader, 'version' | 'layout'>,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {
    this.ring = new SpscRing(ring);
    this.bytes = new Uint8Array(this.ring.f64.buffer);
    this.fd = openSync(path, 'w');
    const json = Buffer.from(
      JSON.stringify({ ...header, version: POLICY_LOG_VERSION, layout: PolicyInputLayout.fields }),
    );
    const pre = Buffer.alloc(12);
    pre.write(MAGIC, 0, 'ascii');
    pre.writeUInt16LE(POLICY_LOG_VERSION, 6);
    pre.writeUInt32LE(json.length, 8);
    writeSync(this.fd, pre);
    writeSync(this.fd, json);
    this.bytesWritten = pre.length + json.length;
  }

  /** Appends every frame published so far, in order. */
  drain(): void {
    const size = PolicyInputLayout.sizeBytes;
    const room = this.batch.length / size;
    for (let n = Math.min(this.ring.available(), room); n > 0; n = Math.min(this.ring.available(), room)) {
      for (let i = 0; i < n; i++) {
        const at = this.ring.next();
        this.batch.set(this.bytes.subarray(at, at + size), i * size);
      }
      this.ring.release();
      const fit = Math.min(n, Math.floor((this.maxBytes - this.bytesWritten) / size));
      this.droppedAtLimit += n - Math.max(fit, 0);
      if (fit <= 0) continue;
      writeSync(this.fd, this.batch, 0, fit * size);
      this.bytesWritten += fit * size;
      this.frames += fit;
    }
  }

  close(): void {
    this.drain();
    closeSync(this.fd);
  }
}

/** Reads a policy log; null when there is none at `path`. Throws when the file is not one. */
export function loadPolicyLog(path: string): PolicyLog | null {
  if (!existsSync(path)) return null;
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 6) !== MAGIC || buf.readUInt16LE(6) !== POLICY_LOG_VERSION)
    throw new Error(`${path}: not a policy log of version ${POLICY_LOG_VERSION}`);
  const headerEnd = 12 + buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString('utf8', 12, headerEnd)) as PolicyLogHeader;
  if (JSON.stringify(header.layout) !== JSON.stringify(PolicyInputLayout.fields))
    throw new Error(`${path}: policy log frames laid out differently from this build's`);
  const size = PolicyInputLayout.sizeBytes;
  const count = Math.floor((buf.length - headerEnd) / size);
  const frames = new RecordTable(PolicyInputCodec, PolicyInputLayout, Math.max(count, 1));
  const aligned = new ArrayBuffer(size);
  const f64 = new Float64Array(aligned);
  const i32 = new Int32Array(aligned);
  const frame: PolicyInputFrame = PolicyInputCodec.create();
  for (let k = 0; k < count; k++) {
    const at = headerEnd + k * size;
    new Uint8Array(aligned).set(buf.subarray(at, at + size));
    PolicyInputCodec.read(f64, i32, 0, frame);
    frames.push(frame);
  }
  return { header, frames };
}
