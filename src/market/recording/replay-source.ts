/**
 * Plays a recording back as a MarketSource (`--source replay:FILE`). Ticks keep their recorded
 * spacing, scaled by `speed`; ids are mapped to the running registry by name; latency samples go
 * to a callback in file order, so a sample recorded between two ticks arrives between them.
 */

import { asSymbolId, asVenueId } from '../../core/ids.js';
import type { Registry } from '../../core/registry.js';
import { type LatencySample, LatencySampleCodec, type Tick, TickCodec } from '../../shm/records.js';
import type { MarketSource } from '../market-source.js';
import { FrameKind, TruncatedRecordingError } from './recording-format.js';
import { RecordingReader, type RecordingReaderOptions } from './recording-reader.js';

export interface ReplaySourceOptions {
  /** The running registry; the file's ids are mapped to it by symbol and venue name. */
  readonly registry: Registry;
  /** 1 = recorded speed, 10 = ten times faster, 0 = as fast as the consumer polls. */
  readonly speed: number;
  /**
   * Receives each latency sample (venueId mapped, other fields as recorded, `tsNs` on the
   * recording's clock) when replay reaches it. The object is reused: copy what you keep.
   */
  readonly onLatencySample?: (sample: LatencySample) => void;
  /**
   * File offset to continue from (a restarted ingest: resumePoint() of its predecessor, so no tick
   * is sent twice); 0 or absent starts at the first frame.
   */
  readonly resumeAtBytes?: number;
  /** Called once when the file ends inside a frame; the intact frames before it were replayed. */
  readonly onTruncated?: (err: TruncatedRecordingError) => void;
}

export class ReplaySource implements MarketSource {
  private readonly speed: number;
  private readonly onSample: ((sample: LatencySample) => void) | undefined;
  private readonly symbolMap: Int32Array;
  private readonly venueMap: Int32Array;
  private readonly pending: Tick = TickCodec.create();
  private readonly sample: LatencySample = LatencySampleCodec.create();
  private hasPending = false;
  private exhausted = false;
  /** Clock time of the first poll and the recorded time of the first replayed tick. */
  private anchorNs = Number.NaN;
  private firstRecordedNs = Number.NaN;
  /** Whether recorded times are receive stamps (else exchange stamps), fixed by the first tick. */
  private useRecvTs = true;
  private pendingDueNs = 0;
  private replayed = 0;
  private unknownSymbol = 0;
  private unknownVenue = 0;
  private samplesDelivered = 0;
  private samplesSkipped = 0;
  /** File offset just past the pending tick, and past the last tick poll returned. */
  private pendingEndBytes = 0;
  private returnedEndBytes = 0;
  private readonly onTruncated: ((err: TruncatedRecordingError) => void) | undefined;

  constructor(
    private readonly reader: RecordingReader,
    options: ReplaySourceOptions,
  ) {
    const { speed } = options;
    if (!(Number.isFinite(speed) && speed >= 0)) {
      throw new RangeError(`replay speed: must be a finite number >= 0, got ${speed}`);
    }
    this.speed = speed;
    this.onSample = options.onLatencySample;
    this.onTruncated = options.onTruncated;
    if ((options.resumeAtBytes ?? 0) > 0) reader.seek(options.resumeAtBytes!);
    this.returnedEndBytes = reader.offsetBytes;
    const recorded = reader.header.registry;
    this.symbolMap = Int32Array.from(recorded.symbols, (s) => options.registry.symbolId(s));
    this.venueMap = Int32Array.from(recorded.venues, (v) => options.registry.venueId(v));
  }

  /** Opens `path` with a RecordingReader that this source owns (closed by `close`). */
  static open(path: string, options: ReplaySourceOptions, reader?: RecordingReaderOptions): ReplaySource {
    return new ReplaySource(new RecordingReader(path, reader), options);
  }

  /** File offset just past the last tick handed out: where a successor resumes. */
  resumePoint(): number {
    return this.returnedEndBytes;
  }

  get replayedTicks(): number {
    return this.replayed;
  }

  /** Ticks whose symbol is not in the running registry. */
  get skippedUnknownSymbol(): number {
    return this.unknownSymbol;
  }

  /** Ticks with a known symbol whose venue is not in the running registry. */
  get skippedUnknownVenue(): number {
    return this.unknownVenue;
  }

  get latencySamplesDelivered(): number {
    return this.samplesDelivered;
  }

  /** Latency samples whose venue is not in the running registry. */
  get latencySamplesSkipped(): number {
    return this.samplesSkipped;
  }

  nextDueNs(): number {
    // Not started: due at once, so the first poll anchors the replay clock.
    if (Number.isNaN(this.anchorNs)) return this.exhausted ? Number.POSITIVE_INFINITY : 0;
    if (!this.hasPending && !this.advance()) return Number.POSITIVE_INFINITY;
    return this.pendingDueNs;
  }

  poll(nowNs: number, out: Tick): boolean {
    if (!this.hasPending && !this.advance()) return false;
    if (Number.isNaN(this.anchorNs)) this.anchor(nowNs);
    if (this.pendingDueNs > nowNs) return false;
    TickCodec.copy(this.pending, out);
    // Ingest stamps receive and publish times afresh, as for a live tick; exchTsNs is kept.
    out.recvTsNs = 0;
    out.ingestTsNs = 0;
    this.hasPending = false;
    this.returnedEndBytes = this.pendingEndBytes;
    this.replayed++;
    return true;
  }

  close(): void {
    this.reader.close();
  }

  private anchor(nowNs: number): void {
    this.anchorNs = nowNs;
    this.useRecvTs = this.pending.recvTsNs !== 0;
    this.firstRecordedNs = this.recordedNs(this.pending);
    this.pendingDueNs = this.dueNs(this.pending);
  }

  /** The next frame, or 0 at the end of the file, a partial last frame included (reported once). */
  private nextFrame(): number {
    try {
      return this.reader.next(this.pending, this.sample);
    } catch (err) {
      if (!(err instanceof TruncatedRecordingError)) throw err;
      this.onTruncated?.(err);
      return 0;
    }
  }

  private recordedNs(t: Tick): number {
    return this.useRecvTs ? t.recvTsNs : t.exchTsNs;
  }

  private dueNs(t: Tick): number {
    if (this.speed === 0) return this.anchorNs;
    return this.anchorNs + (this.recordedNs(t) - this.firstRecordedNs) / this.speed;
  }

  /**
   * Reads up to the next tick the running registry knows, handing samples met on the way to the
   * callback. Called lazily (from the next poll or nextDueNs, not right after a tick is returned),
   * so the consumer has handled the previous tick before the samples recorded after it arrive.
   */
  private advance(): boolean {
    if (this.exhausted) return false;
    for (;;) {
      const kind = this.nextFrame();
      if (kind === 0) {
        this.exhausted = true;
        return false;
      }
      if (kind === FrameKind.latencySample) {
        this.deliverSample();
        continue;
      }
      if (!this.mapTickIds(this.pending)) continue;
      this.hasPending = true;
      this.pendingEndBytes = this.reader.offsetBytes;
      if (!Number.isNaN(this.anchorNs)) this.pendingDueNs = this.dueNs(this.pending);
      return true;
    }
  }

  private mapTickIds(t: Tick): boolean {
    const symbolId = mapId(this.symbolMap, t.symbolId);
    if (symbolId < 0) {
      this.unknownSymbol++;
      return false;
    }
    const venueId = mapId(this.venueMap, t.venueId);
    if (venueId < 0) {
      this.unknownVenue++;
      return false;
    }
    t.symbolId = asSymbolId(symbolId);
    t.venueId = asVenueId(venueId);
    return true;
  }

  private deliverSample(): void {
    const venueId = mapId(this.venueMap, this.sample.venueId);
    if (venueId < 0) {
      this.samplesSkipped++;
      return;
    }
    this.sample.venueId = asVenueId(venueId);
    this.samplesDelivered++;
    this.onSample?.(this.sample);
  }
}

/** The running registry's id for a recorded id, or -1 (also for ids outside the file's registry). */
function mapId(map: Int32Array, recordedId: number): number {
  return recordedId >= 0 && recordedId < map.length ? map[recordedId] : -1;
}
