/**
 * Simulated venues behind one gateway: each order travels half its round-trip latency to the
 * venue, is matched there as an IOC against the venue's quote at that moment (from the quote
 * table), and its ack, fill and expiry come back after the other half. Order state lives in
 * preallocated arrays; nothing is allocated per order.
 */
import type { Random } from '../core/random.js';
import { TimerHeap } from '../core/timer-heap.js';
import type { LatencyModel } from '../market/latency-model.js';
import { QuoteCol, type QuoteTable } from '../market/quote-table.js';
import { ExecKind, type ExecReport, type Order } from '../shm/records.js';
import type { VenueGateway } from './venue-gateway.js';

export const VenueRejectReason = { noQuote: 1, capacity: 2, unknownOrder: 3, cancelled: 4 } as const;

/** Which report a slot emits next once its response has arrived. */
const Phase = { travelling: 0, atVenue: 1, ack: 2, fill: 3, terminal: 4, free: 5 } as const;

export class SimVenueGateway implements VenueGateway {
  private readonly heap: TimerHeap;
  private readonly freeSlots: Int32Array;
  private freeTop: number;
  private readonly quote = new Float64Array(5);
  // Per-slot order state.
  private readonly clientOrderId: Float64Array;
  private readonly symbolId: Int32Array;
  private readonly venueId: Int32Array;
  private readonly side: Int32Array;
  private readonly qty: Float64Array;
  private readonly limitPx: Float64Array;
  private readonly sentTsNs: Float64Array;
  private readonly venueTsNs: Float64Array;
  private readonly fillQty: Float64Array;
  private readonly fillPx: Float64Array;
  private readonly rejectReason: Int32Array;
  private readonly cancelRequested: Uint8Array;
  private readonly phase: Int32Array;
  /** Slot whose response is being emitted report by report; -1 when none. */
  private emitting = -1;

  constructor(
    private readonly quotes: QuoteTable,
    private readonly latency: readonly LatencyModel[],
    private readonly feeBps: Float64Array,
    private readonly rng: Random,
    readonly capacity = 65536,
  ) {
    this.heap = new TimerHeap(capacity);
    this.freeSlots = Int32Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
    this.freeTop = capacity;
    this.clientOrderId = new Float64Array(capacity);
    this.symbolId = new Int32Array(capacity);
    this.venueId = new Int32Array(capacity);
    this.side = new Int32Array(capacity);
    this.qty = new Float64Array(capacity);
    this.limitPx = new Float64Array(capacity);
    this.sentTsNs = new Float64Array(capacity);
    this.venueTsNs = new Float64Array(capacity);
    this.fillQty = new Float64Array(capacity);
    this.fillPx = new Float64Array(capacity);
    this.rejectReason = new Int32Array(capacity);
    this.cancelRequested = new Uint8Array(capacity);
    this.phase = new Int32Array(capacity).fill(Phase.free);
  }

  get inFlight(): number {
    return this.capacity - this.freeTop;
  }

  submit(order: Order, nowNs: number): boolean {
    if (this.freeTop === 0) return false;
    const s = this.freeSlots[--this.freeTop];
    this.clientOrderId[s] = order.clientOrderId;
    this.symbolId[s] = order.symbolId;
    this.venueId[s] = order.venueId;
    this.side[s] = order.side;
    this.qty[s] = order.qty;
    this.limitPx[s] = order.limitPx;
    this.sentTsNs[s] = nowNs;
    this.fillQty[s] = 0;
    this.fillPx[s] = 0;
    this.rejectReason[s] = 0;
    this.cancelRequested[s] = 0;
    this.phase[s] = Phase.travelling;
    const rtt = this.latency[order.venueId].sampleRoundTripNs(nowNs, this.rng);
    // Payload: slot * 2 + leg (0 = arrival at the venue, 1 = response back at the gateway).
    this.heap.push(nowNs + rtt / 2, s * 2);
    this.venueTsNs[s] = nowNs + rtt; // response time, kept here until the arrival leg fires
    return true;
  }

  nextDueNs(): number {
    return this.emitting >= 0 ? 0 : this.heap.peekDue();
  }

  nextReport(nowNs: number, out: ExecReport): boolean {
    for (;;) {
      if (this.emitting >= 0) return this.emit(this.emitting, nowNs, out);
      if (this.heap.peekDue() > nowNs) return false;
      const due = this.heap.peekDue();
      const payload = this.heap.pop();
      const s = payload >> 1;
      if ((payload & 1) === 0) {
        const responseNs = this.venueTsNs[s];
        this.venueTsNs[s] = due;
        this.match(s);
        this.phase[s] = Phase.atVenue;
        this.heap.push(responseNs, s * 2 + 1);
      } else {
        this.phase[s] = this.rejectReason[s] !== 0 ? Phase.terminal : Phase.ack;
        this.emitting = s;
      }
    }
  }

  cancel(clientOrderId: number, nowNs: number, out: ExecReport): boolean {
    // Cancels are rare (kill switch, recovery): a scan of the slots is fine.
    for (let s = 0; s < this.capacity; s++) {
      if (this.phase[s] === Phase.free || this.clientOrderId[s] !== clientOrderId) continue;
      // Still on its way: the venue will cancel it on arrival. At or past the venue, an IOC has
      // already been matched and its outcome is on the way back: nothing to cancel.
      if (this.phase[s] === Phase.travelling) this.cancelRequested[s] = 1;
      return false;
    }
    out.clientOrderId = clientOrderId;
    out.kind = ExecKind.cancel;
    out.reason = VenueRejectReason.unknownOrder;
    out.fillQty = 0;
    out.fillPx = 0;
    out.feeUsd = 0;
    out.leavesQty = 0;
    out.sentTsNs = nowNs;
    out.venueTsNs = nowNs;
    out.recvTsNs = nowNs;
    return true;
  }

  private match(s: number): void {
    if (this.cancelRequested[s] === 1) {
      this.rejectReason[s] = VenueRejectReason.cancelled;
      return;
    }
    if (!this.quotes.read(this.symbolId[s], this.venueId[s], this.quote)) {
      this.rejectReason[s] = VenueRejectReason.noQuote;
      return;
    }
    const buy = this.side[s] > 0;
    const px = buy ? this.quote[QuoteCol.askPx] : this.quote[QuoteCol.bidPx];
    const avail = buy ? this.quote[QuoteCol.askQty] : this.quote[QuoteCol.bidQty];
    const marketable = buy ? this.limitPx[s] >= px : this.limitPx[s] <= px;
    if (!marketable || !(px > 0) || !(avail > 0)) return;
    this.fillQty[s] = Math.min(this.qty[s], avail);
    this.fillPx[s] = px;
  }

  private emit(s: number, nowNs: number, out: ExecReport): boolean {
    out.clientOrderId = this.clientOrderId[s];
    out.symbolId = this.symbolId[s];
    out.venueId = this.venueId[s];
    out.side = this.side[s];
    out.sentTsNs = this.sentTsNs[s];
    out.venueTsNs = this.venueTsNs[s];
    out.recvTsNs = nowNs;
    out.fillQty = 0;
    out.fillPx = 0;
    out.feeUsd = 0;
    out.reason = 0;
    const filled = this.fillQty[s];
    switch (this.phase[s]) {
      case Phase.ack:
        out.kind = ExecKind.ack;
        out.leavesQty = this.qty[s];
        this.phase[s] = filled > 0 ? Phase.fill : Phase.terminal;
        return true;
      case Phase.fill:
        out.kind = ExecKind.fill;
        out.fillQty = filled;
        out.fillPx = this.fillPx[s];
        out.feeUsd = (filled * this.fillPx[s] * this.feeBps[this.venueId[s]]) / 1e4;
        out.leavesQty = this.qty[s] - filled;
        if (out.leavesQty > 0) this.phase[s] = Phase.terminal;
        else this.release(s);
        return true;
      default:
        out.kind =
          this.rejectReason[s] === VenueRejectReason.cancelled
            ? ExecKind.cancel
            : this.rejectReason[s] !== 0
              ? ExecKind.reject
              : ExecKind.expired;
        out.reason = this.rejectReason[s];
        out.leavesQty = this.qty[s] - filled;
        this.release(s);
        return true;
    }
  }

  private release(s: number): void {
    this.phase[s] = Phase.free;
    this.freeSlots[this.freeTop++] = s;
    this.emitting = -1;
  }
}
