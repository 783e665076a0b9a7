/**
 * Simulated venues behind one gateway, on the venue simulation's rules (src/venues/models/,
 * shared with `hft venues`, the backtest exchange and the venue world). An order travels the
 * entry leg of its round trip to the venue (leg-latency.ts); there it is matched against the
 * venue's quote at that moment (from the quote table) net of what our earlier orders took from
 * that quote (ioc-match.ts, touch-consumption.ts): an IOC takes what it can and expires, a GTC
 * takes what it can and rests at its limit for its time to live. A resting order fills whole at
 * its own price, as a maker, once the venue's opposite quote reaches it (resting-match.ts; checked
 * every millisecond of venue time) and expires at the end of its life. Fees from the FeeModel.
 * Every outcome travels the response leg back. State lives in preallocated arrays: nothing is
 * allocated per order.
 */
import type { Random } from '../core/random.js';
import { TimerHeap } from '../core/timer-heap.js';
import type { VenueLatencyModel } from '../market/latency/venue-latency-model.js';
import { QuoteCol, type QuoteTable } from '../market/quote-table.js';
import { ExecKind, type ExecReport, type Order, OrderType } from '../shm/records.js';
import { FeeModel, Liquidity, takerFeeModel } from '../venues/models/fee-model.js';
import { createIocFill, hasTouch } from '../venues/models/ioc-match.js';
import { entryLegNs, responseLegNs } from '../venues/models/leg-latency.js';
import { touchCrossesResting } from '../venues/models/resting-match.js';
import { TouchConsumption } from '../venues/models/touch-consumption.js';
import { DeliveryQueue } from './delivery-queue.js';
import { OrderSlots } from './order-slots.js';
import { unknownOrderCancel, type VenueGateway, VenueRejectReason } from './venue-gateway.js';

export { VenueRejectReason } from './venue-gateway.js';

/** Where a slot is in its life; `ack`, `fill`, `terminal` are the reports still to emit on response. */
const Phase = { travelling: 0, atVenue: 1, ack: 2, fill: 3, terminal: 4, free: 5, resting: 6 } as const;
/** Timer kinds, in the low two bits of a heap payload. */
const Ev = { arrive: 0, respond: 1, check: 2, deliver: 3 } as const;
const RESTING_CHECK_NS = 1e6;

export class SimVenueGateway implements VenueGateway {
  private readonly heap: TimerHeap;
  private readonly deliveries: DeliveryQueue;
  private readonly slots: OrderSlots;
  private readonly quote = new Float64Array(5);
  private readonly venueTsNs: Float64Array;
  /** The response leg of the order's round trip: every report of it travels back this long. */
  private readonly responseNs: Float64Array;
  private readonly expiresNs: Float64Array;
  private readonly takerQty: Float64Array;
  private readonly takerPx: Float64Array;
  /** Quantity still working at the venue after the taker part. */
  private readonly restingQty: Float64Array;
  /** Version of the quote the resting order last saw: only a newer quote can come to it. */
  private readonly seenVersion: Float64Array;
  private readonly rejectReason: Int32Array;
  private readonly phase: Int32Array;
  private readonly fees: FeeModel;
  private readonly consumption: TouchConsumption;
  private readonly iocFill = createIocFill();
  private emitting = -1;

  /** `fees`: the fee model, or each venue's taker fee with makers free (`backtest.maker_fee_bps: 0`). */
  constructor(
    private readonly quotes: QuoteTable,
    private readonly latency: readonly VenueLatencyModel[],
    fees: FeeModel | Float64Array,
    private readonly rng: Random,
    readonly capacity = 65536,
  ) {
    this.fees = fees instanceof FeeModel ? fees : takerFeeModel(fees);
    this.consumption = new TouchConsumption(quotes.bookCount);
    this.heap = new TimerHeap(capacity * 3);
    this.deliveries = new DeliveryQueue(capacity * 2);
    this.slots = new OrderSlots(capacity);
    const f64 = () => new Float64Array(capacity);
    const i32 = () => new Int32Array(capacity);
    this.venueTsNs = f64();
    this.responseNs = f64();
    this.expiresNs = f64();
    this.takerQty = f64();
    this.takerPx = f64();
    this.restingQty = f64();
    this.seenVersion = f64();
    this.rejectReason = i32();
    this.phase = i32().fill(Phase.free);
  }

  get inFlight(): number {
    return this.slots.inUse;
  }

  submit(order: Order, nowNs: number): boolean {
    const s = this.slots.take(order, nowNs);
    if (s < 0) return false;
    this.takerQty[s] = 0;
    this.takerPx[s] = 0;
    this.restingQty[s] = 0;
    this.rejectReason[s] = 0;
    this.phase[s] = Phase.travelling;
    const rtt = this.latency[order.venueId].sampleRoundTripNs(nowNs, this.rng);
    this.responseNs[s] = responseLegNs(rtt);
    this.expiresNs[s] = order.ttlNs > 0 ? Number.POSITIVE_INFINITY : 0; // set on arrival
    this.venueTsNs[s] = order.ttlNs; // kept here until arrival
    this.heap.push(nowNs + entryLegNs(rtt), s * 4 + Ev.arrive);
    return true;
  }

  nextDueNs(): number {
    return this.emitting >= 0 ? 0 : this.heap.peekDue();
  }

  nextReport(nowNs: number, out: ExecReport): boolean {
    for (;;) {
      if (this.emitting >= 0) return this.emitResponse(this.emitting, nowNs, out);
      // One read: a second call site runs too rarely for V8 to inline it, and its float64 result
      // would be boxed at every due event.
      const due = this.heap.peekDue();
      if (due > nowNs) return false;
      const payload = this.heap.pop();
      const idx = payload >> 2;
      switch (payload & 3) {
        case Ev.arrive:
          this.arrive(idx, due);
          break;
        case Ev.respond:
          this.phase[idx] = this.rejectReason[idx] !== 0 ? Phase.terminal : Phase.ack;
          this.emitting = idx;
          break;
        case Ev.check:
          this.checkResting(idx, due);
          break;
        default:
          return this.emitDelivery(idx, nowNs, out);
      }
    }
  }

  cancel(clientOrderId: number, nowNs: number, out: ExecReport): boolean {
    // Cancels are rare (kill switch, recovery): a scan of the slots is fine.
    for (let s = 0; s < this.capacity; s++) {
      if (this.phase[s] === Phase.free || this.slots.clientOrderId[s] !== clientOrderId) continue;
      // Travelling or resting: the venue cancels it (on arrival, or at its next check). An IOC
      // already matched has its outcome on the way back: nothing left to cancel.
      this.slots.cancelRequested[s] = 1;
      return false;
    }
    unknownOrderCancel(clientOrderId, nowNs, out);
    return true;
  }

  private arrive(s: number, atNs: number): void {
    const ttlNs = this.venueTsNs[s];
    this.venueTsNs[s] = atNs;
    this.phase[s] = Phase.atVenue;
    this.match(s);
    const leaves = this.slots.qty[s] - this.takerQty[s];
    if (this.slots.type[s] === OrderType.limitGtc && this.rejectReason[s] === 0 && leaves > 0) {
      this.restingQty[s] = leaves;
      this.expiresNs[s] = atNs + ttlNs;
      this.heap.push(atNs + RESTING_CHECK_NS, s * 4 + Ev.check);
    }
    this.heap.push(atNs + this.responseNs[s], s * 4 + Ev.respond);
  }

  private match(s: number): void {
    if (this.slots.cancelRequested[s] === 1) {
      this.rejectReason[s] = VenueRejectReason.cancelled;
      return;
    }
    const symbolId = this.slots.symbolId[s];
    const venueId = this.slots.venueId[s];
    const version = this.quotes.readVersion(symbolId, venueId, this.quote);
    this.seenVersion[s] = version;
    const side = this.slots.side[s];
    const touch = side > 0 ? this.quote[QuoteCol.askPx] : this.quote[QuoteCol.bidPx];
    if (version === 0 || !hasTouch(touch)) {
      this.rejectReason[s] = VenueRejectReason.noQuote;
      return;
    }
    const f = this.consumption.matchIoc(
      symbolId * this.quotes.venueCount + venueId,
      side,
      this.slots.qty[s],
      this.slots.limitPx[s],
      touch,
      side > 0 ? this.quote[QuoteCol.askQty] : this.quote[QuoteCol.bidQty],
      version,
      true,
      this.iocFill,
    );
    this.takerQty[s] = f.filledQty;
    this.takerPx[s] = f.fillTicks;
  }

  /** Venue side of a resting order: cancel, expiry, or a fill when the market reaches its price. */
  private checkResting(s: number, atNs: number): void {
    const back = atNs + this.responseNs[s];
    if (this.slots.cancelRequested[s] === 1 || atNs >= this.expiresNs[s]) {
      const kind = this.slots.cancelRequested[s] === 1 ? ExecKind.cancel : ExecKind.expired;
      this.heap.push(
        back,
        this.deliveries.add(s, kind, 0, 0, this.restingQty[s], atNs, true) * 4 + Ev.deliver,
      );
      return;
    }
    const version = this.quotes.readVersion(this.slots.symbolId[s], this.slots.venueId[s], this.quote);
    if (version !== this.seenVersion[s]) {
      this.seenVersion[s] = version;
      const side = this.slots.side[s];
      const limit = this.slots.limitPx[s];
      const opposite = side > 0 ? this.quote[QuoteCol.askPx] : this.quote[QuoteCol.bidPx];
      if (touchCrossesResting(side, limit, opposite)) {
        const q = this.restingQty[s];
        const fee = this.fees.feeUsd(this.slots.venueId[s], q, limit, Liquidity.maker);
        this.restingQty[s] = 0;
        const d = this.deliveries.add(s, ExecKind.fill, q, limit, 0, atNs, true, fee);
        this.heap.push(back, d * 4 + Ev.deliver);
        return;
      }
    }
    this.heap.push(atNs + RESTING_CHECK_NS, s * 4 + Ev.check);
  }

  private fillHeader(s: number, nowNs: number, out: ExecReport): void {
    this.slots.header(s, out, nowNs);
    out.venueTsNs = this.venueTsNs[s];
  }

  /** The response to arrival, one report per call: ack, taker fill, then the end unless resting. */
  private emitResponse(s: number, nowNs: number, out: ExecReport): boolean {
    this.fillHeader(s, nowNs, out);
    const taken = this.takerQty[s];
    const resting = this.restingQty[s] > 0;
    switch (this.phase[s]) {
      case Phase.ack:
        out.kind = ExecKind.ack;
        out.leavesQty = this.slots.qty[s];
        this.phase[s] = taken > 0 ? Phase.fill : resting ? Phase.resting : Phase.terminal;
        if (this.phase[s] === Phase.resting) this.emitting = -1;
        return true;
      case Phase.fill:
        out.kind = ExecKind.fill;
        out.fillQty = taken;
        out.fillPx = this.takerPx[s];
        out.feeUsd = this.fees.feeUsd(this.slots.venueId[s], taken, this.takerPx[s], Liquidity.taker);
        out.leavesQty = this.slots.qty[s] - taken;
        if (out.leavesQty === 0) this.release(s);
        else if (resting) {
          this.phase[s] = Phase.resting;
          this.emitting = -1;
        } else this.phase[s] = Phase.terminal;
        return true;
      default: {
        const r = this.rejectReason[s];
        out.kind =
          r === VenueRejectReason.cancelled ? ExecKind.cancel : r !== 0 ? ExecKind.reject : ExecKind.expired;
        out.reason = r;
        out.leavesQty = this.slots.qty[s] - taken;
        this.release(s);
        return true;
      }
    }
  }

  private emitDelivery(d: number, nowNs: number, out: ExecReport): boolean {
    const q = this.deliveries;
    const s = q.slot[d];
    this.fillHeader(s, nowNs, out);
    out.kind = q.kind[d];
    out.fillQty = q.qty[d];
    out.fillPx = q.px[d];
    out.feeUsd = q.feeUsd[d];
    out.leavesQty = q.leaves[d];
    out.venueTsNs = q.venueTsNs[d];
    if (q.kind[d] === ExecKind.cancel) out.reason = VenueRejectReason.cancelled;
    const final = q.final[d] === 1;
    q.free(d);
    if (final) this.release(s);
    return true;
  }

  private release(s: number): void {
    this.phase[s] = Phase.free;
    this.slots.release(s);
    if (this.emitting === s) this.emitting = -1;
  }
}
