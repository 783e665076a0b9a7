/**
 * A simulated venue's top of book per symbol and its matching: every order is an IOC against the
 * quote at the moment it arrives (as `SimVenueGateway` matches), answered with the report frames
 * of the venue protocol (docs/venue-protocol.md), encoded at match time.
 */
import { VenueRejectReason } from '../execution/sim-venue-gateway.js';
import { ExecKind } from '../shm/records.js';
import {
  createReportFields,
  encodeQuote,
  encodeReport,
  monoNowUs,
  type ReportFields,
} from './venue-protocol.js';
import type { PendingOrder } from './venue-session.js';

/** The venue's counters the book moves. */
export interface BookCounters {
  fills: number;
  rejects: number;
  cancels: number;
}

export class VenueBook {
  private readonly symbolIds: Map<string, number>;
  private readonly bidPx: Float64Array;
  private readonly askPx: Float64Array;
  private readonly bidQty: Float64Array;
  private readonly askQty: Float64Array;
  private readonly quoteTsUs: Float64Array;
  private readonly report: ReportFields = createReportFields();
  private execSeq = 0;

  constructor(
    private readonly symbols: readonly string[],
    private readonly feeBps: number,
    private readonly counters: BookCounters,
  ) {
    this.symbolIds = new Map(symbols.map((s, i) => [s, i]));
    const n = symbols.length;
    this.bidPx = new Float64Array(n);
    this.askPx = new Float64Array(n);
    this.bidQty = new Float64Array(n);
    this.askQty = new Float64Array(n);
    this.quoteTsUs = new Float64Array(n);
  }

  get symbolCount(): number {
    return this.symbols.length;
  }

  /** The symbol's index, or -1 for a symbol this venue does not trade. */
  symbolId(symbol: string): number {
    return this.symbolIds.get(symbol) ?? -1;
  }

  /** Sets the top of book of `symbolId`, stamped now (host-monotonic us). */
  set(symbolId: number, bidPx: number, askPx: number, bidQty: number, askQty: number): void {
    this.bidPx[symbolId] = bidPx;
    this.askPx[symbolId] = askPx;
    this.bidQty[symbolId] = bidQty;
    this.askQty[symbolId] = askQty;
    this.quoteTsUs[symbolId] = monoNowUs();
  }

  hasQuote(symbolId: number): boolean {
    return this.askPx[symbolId] > 0;
  }

  /** The quote frame of `symbolId`'s current top of book. */
  quoteText(symbolId: number): string {
    return encodeQuote(
      this.symbols[symbolId],
      this.bidPx[symbolId],
      this.askPx[symbolId],
      this.bidQty[symbolId],
      this.askQty[symbolId],
      this.quoteTsUs[symbolId],
    );
  }

  /** The order's reports: ack, fill, expired; or one reject (halted venue, no quote) or cancel. */
  match(o: PendingOrder, rejectAll: boolean): string[] {
    this.report.clientOrderId = o.clientOrderId;
    this.report.vtsUs = monoNowUs();
    if (o.cancelled) {
      this.counters.cancels++;
      return [this.encode(ExecKind.cancel, 0, 0, o.qty, VenueRejectReason.cancelled)];
    }
    if (rejectAll) {
      this.counters.rejects++;
      return [this.encode(ExecKind.reject, 0, 0, o.qty, VenueRejectReason.venueHalted)];
    }
    const s = o.symbolId;
    const buy = o.side > 0;
    const px = s < 0 ? 0 : buy ? this.askPx[s] : this.bidPx[s];
    const avail = s < 0 ? 0 : buy ? this.askQty[s] : this.bidQty[s];
    if (!(px > 0) || !(avail > 0)) {
      this.counters.rejects++;
      return [this.encode(ExecKind.reject, 0, 0, o.qty, VenueRejectReason.noQuote)];
    }
    const frames = [this.encode(ExecKind.ack, 0, 0, o.qty, 0)];
    const marketable = buy ? o.limitPx >= px : o.limitPx <= px;
    const filled = marketable ? Math.min(o.qty, avail) : 0;
    if (filled > 0) {
      this.counters.fills++;
      frames.push(this.encode(ExecKind.fill, filled, px, o.qty - filled, 0));
    }
    if (filled < o.qty) frames.push(this.encode(ExecKind.expired, 0, 0, o.qty - filled, 0));
    return frames;
  }

  private encode(kind: number, fillQty: number, fillPx: number, leavesQty: number, reason: number): string {
    const r = this.report;
    r.execKind = kind;
    r.execId = ++this.execSeq;
    r.fillQty = fillQty;
    r.fillPx = fillPx;
    r.leavesQty = leavesQty;
    r.feeUsd = (fillQty * fillPx * this.feeBps) / 1e4;
    r.reason = reason;
    return encodeReport(r);
  }
}
