/**
 * Finnhub WebSocket text frames -> trade Ticks (docs/market-data.md). One frame carries zero or
 * more trades; each valid one is written into a single reused Tick handed to the caller's sink.
 *
 * Two paths give the same result: a hand-written scanner for the exact shape Finnhub sends
 * (`{"data":[{"c":..,"p":..,"s":"..","t":..,"v":..}],"type":"trade"}` and `{"type":"ping"}`, any
 * key order, any JSON whitespace), which allocates nothing, and JSON.parse for everything else.
 * The scanner never judges a frame bad: on anything unexpected it gives up before emitting and
 * the frame goes to JSON.parse, which decides. That keeps the two equivalent by construction (the
 * property tests check it on arbitrary input).
 */

import { asSymbolId, asVenueId } from '../../core/ids.js';
import type { Registry } from '../../core/registry.js';
import type { TickRejectReason } from '../../run-state/pipeline-metrics.js';
import { type Tick, TickCodec, TickFlag } from '../../shm/records.js';
import { FinnhubFrameScanner, FrameKind } from './finnhub-frame-scanner.js';

/** Frames longer than this (UTF-16 units; the source checks bytes before decoding) are refused. */
export const MAX_FRAME_CHARS = 64 * 1024;

export { FrameKind } from './finnhub-frame-scanner.js';

export const FINNHUB_REJECT_REASONS = [
  'malformed',
  'oversized',
  'unknown_message',
  'missing_field',
  'unknown_symbol',
  'bad_price',
  'bad_quantity',
  'bad_timestamp',
] as const satisfies readonly TickRejectReason[];
export type FinnhubRejectReason = (typeof FINNHUB_REJECT_REASONS)[number];

/** Receives each normalised trade; the Tick is reused, so copy what must outlive the call. */
export type TickSink = (tick: Tick) => void;

export interface FinnhubNormalizerOptions {
  /** Venue id the ticks carry (Finnhub is one "venue" in the registry). */
  venueId: number;
  /** false forces the JSON.parse path (tests compare the two). Default true. */
  fastPath?: boolean;
}

export class FinnhubNormalizer {
  /** Rejections by reason: whole frames (malformed, oversized, unknown_message) and single trades. */
  readonly rejects: Record<FinnhubRejectReason, number>;
  frames = 0;
  ticks = 0;
  /** Frames the scanner handed to JSON.parse. */
  slowFrames = 0;
  /** What the last frame was; `lastErrorMsg` holds the server's text after an error frame. */
  lastKind: FrameKind = FrameKind.rejected;
  lastErrorMsg = '';

  private readonly venueId: number;
  private readonly fastPath: boolean;
  private readonly tick = TickCodec.create();
  private readonly scanner: FinnhubFrameScanner;
  private seq = 0;
  // The frame being normalised: its receive stamp and sink.
  private recvTsNs = 0;
  private emit: TickSink = () => {};

  constructor(
    private readonly registry: Registry,
    opts: FinnhubNormalizerOptions,
  ) {
    this.venueId = opts.venueId;
    this.scanner = new FinnhubFrameScanner(registry);
    this.fastPath = opts.fastPath ?? true;
    this.rejects = Object.fromEntries(FINNHUB_REJECT_REASONS.map((r) => [r, 0])) as Record<
      FinnhubRejectReason,
      number
    >;
  }

  /**
   * Normalises one frame, calling `emit` once per valid trade, and returns how many it emitted.
   * Never throws; bad frames and trades are counted in `rejects`.
   */
  normalize(frame: string, recvTsNs: number, emit: TickSink): number {
    this.frames++;
    this.recvTsNs = recvTsNs;
    this.emit = emit;
    if (frame.length > MAX_FRAME_CHARS) return this.rejectFrame('oversized');
    if (this.fastPath) {
      const kind = this.scanner.scan(frame);
      if (kind === FrameKind.ping) {
        this.lastKind = FrameKind.ping;
        return 0;
      }
      if (kind === FrameKind.trade) {
        this.lastKind = FrameKind.trade;
        let n = 0;
        const st = this.scanner.staging;
        for (let i = 0; i < 4 * this.scanner.staged; i += 4)
          if (this.emitTrade(st[i], st[i + 1], st[i + 2], st[i + 3])) n++;
        return n;
      }
    }
    this.slowFrames++;
    return this.parseFrame(frame);
  }

  /** Counts a frame refused before it reached `normalize` (e.g. too many bytes on the wire). */
  countReject(reason: FinnhubRejectReason): void {
    this.frames++;
    this.rejectFrame(reason);
  }

  private rejectFrame(reason: FinnhubRejectReason): number {
    this.rejects[reason]++;
    this.lastKind = FrameKind.rejected;
    return 0;
  }

  /** The one place trade values are judged, shared by both paths so they cannot disagree. */
  private emitTrade(symbolId: number, px: number, tsMs: number, qty: number): boolean {
    let reason: FinnhubRejectReason | null = null;
    if (symbolId < 0) reason = 'unknown_symbol';
    else if (!(px > 0 && px < Number.POSITIVE_INFINITY)) reason = 'bad_price';
    else if (!(qty >= 0 && qty < Number.POSITIVE_INFINITY)) reason = 'bad_quantity';
    else if (!(tsMs >= 0 && tsMs < Number.POSITIVE_INFINITY)) reason = 'bad_timestamp';
    if (reason !== null) {
      this.rejects[reason]++;
      return false;
    }
    const t = this.tick;
    t.seq = ++this.seq;
    t.exchTsNs = tsMs * 1e6;
    t.recvTsNs = this.recvTsNs;
    t.ingestTsNs = 0;
    t.bidPx = 0;
    t.askPx = 0;
    t.bidQty = 0;
    t.askQty = 0;
    t.lastPx = px;
    t.lastQty = qty;
    t.symbolId = asSymbolId(symbolId);
    t.venueId = asVenueId(this.venueId);
    t.flags = TickFlag.trade;
    this.ticks++;
    this.emit(t);
    return true;
  }

  // ---- JSON.parse path: any valid JSON, judged field by field. ----

  private parseFrame(frame: string): number {
    let msg: unknown;
    try {
      msg = JSON.parse(frame);
    } catch {
      return this.rejectFrame('malformed');
    }
    if (!isRecord(msg)) return this.rejectFrame('malformed');
    const type = msg.type;
    if (type === 'ping') {
      this.lastKind = FrameKind.ping;
      return 0;
    }
    if (type === 'error') {
      this.lastKind = FrameKind.error;
      this.lastErrorMsg = typeof msg.msg === 'string' ? msg.msg : '';
      return 0;
    }
    if (typeof type !== 'string') return this.rejectFrame('malformed');
    if (type !== 'trade') return this.rejectFrame('unknown_message');
    const data = msg.data;
    if (!Array.isArray(data)) return this.rejectFrame('malformed');
    this.lastKind = FrameKind.trade;
    let n = 0;
    for (const trade of data) {
      if (
        !isRecord(trade) ||
        typeof trade.s !== 'string' ||
        typeof trade.p !== 'number' ||
        typeof trade.t !== 'number' ||
        typeof trade.v !== 'number'
      ) {
        this.rejects.missing_field++;
        continue;
      }
      if (this.emitTrade(this.registry.symbolId(trade.s), trade.p, trade.t, trade.v)) n++;
    }
    return n;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
