/**
 * The venue wire protocol (docs/venue-protocol.md): one JSON object per WebSocket text frame,
 * short keys, tag in `t`. Venue stamps (`ts`, `vts`) and the client's send stamp (`mts`) are
 * microseconds on the host's monotonic clock (CLOCK_MONOTONIC, the clock behind
 * `process.hrtime`), which every process on the host shares, so a venue on loopback can tell how
 * long a frame was in transit; `cts` is whatever the client sent and is echoed untouched. Decoders write into a caller-owned frame object and never throw: anything
 * that is not a well-formed frame of a known type decodes to `malformed` for the caller to count.
 */

import type { Clock } from '../core/clock.js';
import { perfNowOffsetNs } from '../core/clock.js';

/** Frames a venue sends. */
export const ServerFrameKind = { malformed: 0, quote: 1, report: 2, pong: 3 } as const;
export type ServerFrameKindValue = (typeof ServerFrameKind)[keyof typeof ServerFrameKind];

/** Frames a client sends. */
export const ClientFrameKind = { malformed: 0, order: 1, cancel: 2, ping: 3, subscribe: 4 } as const;
export type ClientFrameKindValue = (typeof ClientFrameKind)[keyof typeof ClientFrameKind];

/** Frames longer than this (chars) are refused without parsing. */
export const MAX_FRAME_CHARS = 4096;

/** Decoded server frame; one instance is reused for every frame. Fields not in the frame are stale. */
export interface ServerFrame extends ReportFields {
  kind: ServerFrameKindValue;
  // quote
  symbol: string;
  bidPx: number;
  askPx: number;
  bidQty: number;
  askQty: number;
  tsUs: number;
  // pong
  seq: number;
  clientTs: number;
  /** When the venue sent the pong, host-monotonic us (`sts`). */
  sentMonoUs: number;
}

/** Decoded client frame; one instance is reused for every frame. */
export interface ClientFrame {
  kind: ClientFrameKindValue;
  clientOrderId: number;
  symbol: string;
  /** 1 buy, -1 sell. */
  side: number;
  qty: number;
  limitPx: number;
  /** OrderType. */
  orderType: number;
  seq: number;
  clientTs: number;
  /** Client send time, host-monotonic us (`mts`); NaN when the frame has none. */
  sentMonoUs: number;
  /** Ping only: transit of the previous pong, venue -> client, us (`ot`); NaN when absent. */
  outTransitUs: number;
}

export function createServerFrame(): ServerFrame {
  return {
    kind: ServerFrameKind.malformed,
    symbol: '',
    bidPx: 0,
    askPx: 0,
    bidQty: 0,
    askQty: 0,
    tsUs: 0,
    ...createReportFields(),
    seq: 0,
    clientTs: 0,
    sentMonoUs: 0,
  };
}

/** A zeroed set of report fields (the venue reuses one for every report it encodes). */
export function createReportFields(): ReportFields {
  return {
    execKind: 0,
    clientOrderId: 0,
    execId: 0,
    fillQty: 0,
    fillPx: 0,
    leavesQty: 0,
    feeUsd: 0,
    reason: 0,
    vtsUs: 0,
  };
}

export function createClientFrame(): ClientFrame {
  return {
    kind: ClientFrameKind.malformed,
    clientOrderId: 0,
    symbol: '',
    side: 0,
    qty: 0,
    limitPx: 0,
    orderType: 0,
    seq: 0,
    clientTs: 0,
    sentMonoUs: Number.NaN,
    outTransitUs: Number.NaN,
  };
}

type Obj = Record<string, unknown>;

function parseObject(text: string): Obj | null {
  if (text.length > MAX_FRAME_CHARS) return null;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null;
  } catch {
    return null;
  }
}

/** The field as a finite number, or NaN (NaN fails every later range check). */
function num(o: Obj, key: string): number {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
}

const allFinite = (...xs: number[]): boolean => xs.every(Number.isFinite);

/** Decodes one server frame into `out`; returns (and stores in `out.kind`) its kind. */
export function decodeServerFrame(text: string, out: ServerFrame): ServerFrameKindValue {
  out.kind = decodeServer(parseObject(text), out);
  return out.kind;
}

function decodeServer(o: Obj | null, out: ServerFrame): ServerFrameKindValue {
  if (o === null) return ServerFrameKind.malformed;
  switch (o.t) {
    case 'q': {
      if (typeof o.s !== 'string') return ServerFrameKind.malformed;
      out.symbol = o.s;
      out.bidPx = num(o, 'b');
      out.askPx = num(o, 'a');
      out.bidQty = num(o, 'bq');
      out.askQty = num(o, 'aq');
      out.tsUs = num(o, 'ts');
      const ok = allFinite(out.bidPx, out.askPx, out.bidQty, out.askQty, out.tsUs);
      return ok ? ServerFrameKind.quote : ServerFrameKind.malformed;
    }
    case 'r': {
      out.execKind = num(o, 'k');
      out.clientOrderId = num(o, 'id');
      out.execId = num(o, 'x');
      out.fillQty = num(o, 'q');
      out.fillPx = num(o, 'p');
      out.leavesQty = num(o, 'l');
      out.feeUsd = num(o, 'f');
      out.reason = num(o, 'r');
      out.vtsUs = num(o, 'vts');
      const ok =
        Number.isInteger(out.execKind) &&
        Number.isInteger(out.reason) &&
        allFinite(
          out.clientOrderId,
          out.execId,
          out.fillQty,
          out.fillPx,
          out.leavesQty,
          out.feeUsd,
          out.vtsUs,
        );
      return ok ? ServerFrameKind.report : ServerFrameKind.malformed;
    }
    case 'P':
      out.seq = num(o, 'n');
      out.clientTs = num(o, 'cts');
      out.sentMonoUs = num(o, 'sts');
      return allFinite(out.seq, out.clientTs) ? ServerFrameKind.pong : ServerFrameKind.malformed;
    default:
      return ServerFrameKind.malformed;
  }
}

/** Decodes one client frame into `out`; returns (and stores in `out.kind`) its kind. */
export function decodeClientFrame(text: string, out: ClientFrame): ClientFrameKindValue {
  out.kind = decodeClient(parseObject(text), out);
  return out.kind;
}

function decodeClient(o: Obj | null, out: ClientFrame): ClientFrameKindValue {
  if (o === null) return ClientFrameKind.malformed;
  out.sentMonoUs = num(o, 'mts');
  switch (o.t) {
    case 'o': {
      if (typeof o.s !== 'string') return ClientFrameKind.malformed;
      out.symbol = o.s;
      out.clientOrderId = num(o, 'id');
      out.side = num(o, 'side');
      out.qty = num(o, 'q');
      out.limitPx = num(o, 'px');
      out.orderType = num(o, 'type');
      const ok =
        Number.isFinite(out.clientOrderId) &&
        (out.side === 1 || out.side === -1) &&
        out.qty > 0 &&
        out.limitPx > 0 &&
        Number.isInteger(out.orderType);
      return ok ? ClientFrameKind.order : ClientFrameKind.malformed;
    }
    case 'c':
      out.clientOrderId = num(o, 'id');
      return Number.isFinite(out.clientOrderId) ? ClientFrameKind.cancel : ClientFrameKind.malformed;
    case 'p':
      out.seq = num(o, 'n');
      out.clientTs = num(o, 'cts');
      out.outTransitUs = num(o, 'ot');
      return allFinite(out.seq, out.clientTs) ? ClientFrameKind.ping : ClientFrameKind.malformed;
    case 's':
      return ClientFrameKind.subscribe;
    default:
      return ClientFrameKind.malformed;
  }
}

// Encoders build the text directly: one string per frame, no intermediate object.

export function encodeQuote(
  symbol: string,
  bidPx: number,
  askPx: number,
  bidQty: number,
  askQty: number,
  tsUs: number,
): string {
  return `{"t":"q","s":${JSON.stringify(symbol)},"b":${bidPx},"a":${askPx},"bq":${bidQty},"aq":${askQty},"ts":${tsUs}}`;
}

/** Report fields in wire order; the venue reuses one instance. */
export interface ReportFields {
  execKind: number;
  clientOrderId: number;
  execId: number;
  fillQty: number;
  fillPx: number;
  leavesQty: number;
  feeUsd: number;
  reason: number;
  vtsUs: number;
}

export function encodeReport(r: ReportFields): string {
  return `{"t":"r","k":${r.execKind},"id":${r.clientOrderId},"x":${r.execId},"q":${r.fillQty},"p":${r.fillPx},"l":${r.leavesQty},"f":${r.feeUsd},"r":${r.reason},"vts":${r.vtsUs}}`;
}

export function encodePong(seq: number, clientTs: number, sentMonoUs: number): string {
  return `{"t":"P","n":${seq},"cts":${clientTs},"sts":${sentMonoUs}}`;
}

export function encodeOrder(
  clientOrderId: number,
  symbol: string,
  side: number,
  qty: number,
  limitPx: number,
  orderType: number,
  sentMonoUs: number,
): string {
  return `{"t":"o","id":${clientOrderId},"s":${JSON.stringify(symbol)},"side":${side},"q":${qty},"px":${limitPx},"type":${orderType},"mts":${sentMonoUs}}`;
}

export function encodeCancel(clientOrderId: number): string {
  return `{"t":"c","id":${clientOrderId}}`;
}

/** `outTransitUs`: the previous pong's measured transit (NaN: none yet, the field is left out). */
export function encodePing(
  seq: number,
  clientTs: number,
  sentMonoUs: number,
  outTransitUs = Number.NaN,
): string {
  const ot = Number.isFinite(outTransitUs) ? `,"ot":${outTransitUs}` : '';
  return `{"t":"p","n":${seq},"cts":${clientTs},"mts":${sentMonoUs}${ot}}`;
}

export const SUBSCRIBE_FRAME = '{"t":"s"}';

/**
 * `performance.now()` (ms) -> host-monotonic us offset, calibrated once per thread at the
 * tightest of 16 reads around `process.hrtime.bigint()` (which allocates, so it is not read per
 * frame); agrees across threads and processes to well under a microsecond.
 */
const perfToMonoUs: number = perfNowOffsetNs(0n) / 1e3;

/** Host-monotonic microseconds now. */
export function monoNowUs(): number {
  return performance.now() * 1e3 + perfToMonoUs;
}

/** A host-monotonic stamp (us) in this thread's `performance.now()` time base (ms). */
export function monoUsToPerfMs(monoUs: number): number {
  return (monoUs - perfToMonoUs) / 1e3;
}

/**
 * Host-monotonic us at `clock` time 0, measured once, so a venue stamp converts to the process
 * clock as `(monoUs - base) * 1e3` ns: the tightest of 16 clock reads bracketed by two host
 * reads, at their midpoint (one unbracketed pair is off by however long the thread was
 * descheduled between the two reads: tens of microseconds on a loaded machine).
 */
export function monoUsAtClockZero(clock: Clock): number {
  let best = Number.POSITIVE_INFINITY;
  let base = 0;
  for (let i = 0; i < 16; i++) {
    const before = monoNowUs();
    const clockUs = clock.nowNs() / 1e3;
    const after = monoNowUs();
    if (after - before < best) {
      best = after - before;
      base = (before + after) / 2 - clockUs;
    }
  }
  return base;
}
