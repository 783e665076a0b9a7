/**
 * A simulated venue's top of book per symbol and its matching: every order is an IOC against the
 * quote at the moment it arrives, net of what earlier orders took from that quote, on the venue
 * simulation's rules (src/venues/models/: ioc-match.ts, touch-consumption.ts, fee-model.ts, as
 * `SimVenueGateway` and the backtest exchange match), answered with the report frames of the
 * venue protocol (docs/venue-protocol.md), encoded at match time.
 */
import { VenueRejectReason } from '../execution/sim-venue-gateway.js';
import { ExecKind } from '../shm/records.js';
import { type FeeModel, Liquidity } from './models/fee-model.js';
import { createIocFill, hasTouch } from './models/ioc-match.js';
import { TouchConsumption } from './models/touch-consumption.js';
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
  /** Per symbol: bumped by every `set`, so a new quote restores the size our orders took. */
  private readonly quoteVersion: Float64Array;
  private readonly consumption: TouchConsumption;
  private readonly fill = createIocFill();
  private readonly report: ReportFields = createReportFields();
  private execSeq = 0;

  /** `fees`: the venue's fee model, this venue at index `venueId`. */
  constructor(
    private readonly symbols: readonly string[],
    private readonly fees: FeeModel,
    private readonly venueId: number,
    private readonly counters: BookCounters,
  ) {
    this.symbolIds = new Map(symbols.map((s, i) => [s, i]));
    const n = symbols.length;
    this.bidPx = new Float64Array(n);
    this.askPx = new Float64Array(n);
    this.bidQty = new Float64Array(n);
    this.askQty = new Float64Array(n);
    this.quoteTsUs = new Float64Array(n);
    this.quoteVersion = new Float64Array(n);
    this.consumption = new TouchConsumption(n);
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
    this.quoteVersion[symbolId]++;
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

  /** The order's reports: ack, fill, expired; or one reject (halted venue, no touch) or cancel. */
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
    const touch = s < 0 ? 0 : buy ? this.askPx[s] : this.bidPx[s];
    if (!hasTouch(touch)) {
      this.counters.rejects++;
      return [this.encode(ExecKind.reject, 0, 0, o.qty, VenueRejectReason.noQuote)];
    }
    const frames = [this.encode(ExecKind.ack, 0, 0, o.qty, 0)];
    const touchQty = buy ? this.askQty[s] : this.bidQty[s];
    const f = this.consumption.matchIoc(
      s,
      o.side,
      o.qty,
      o.limitPx,
      touch,
      touchQty,
      this.quoteVersion[s],
      true,
      this.fill,
    );
    const filled = f.filledQty;
    if (filled > 0) {
      this.counters.fills++;
      frames.push(this.encode(ExecKind.fill, filled, f.fillTicks, o.qty - filled, 0));
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
    r.feeUsd = fillQty > 0 ? this.fees.feeUsd(this.venueId, fillQty, fillPx, Liquidity.taker) : 0;
    r.reason = reason;
    return encodeReport(r);
  }
}
