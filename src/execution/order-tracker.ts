/**
 * The open orders and their state machine:
 *   pending (approved, not acked) -> acked -> partially filled -> filled
 *   pending | acked | partially filled -> cancelled | rejected | expired
 * Slots are preallocated and found by client order id with open addressing, so tracking an order
 * allocates nothing. A report that breaks the machine (unknown order, fill beyond the order's
 * quantity, report after the end) is counted as an anomaly; fills are still applied to positions
 * by the caller, because a venue's fill happened whatever our records say.
 */
import { asSymbolId, asVenueId, type SymbolId, type VenueId } from '../core/ids.js';
export const OrderState = {
  free: 0,
  pending: 1,
  acked: 2,
  partiallyFilled: 3,
} as const;

const EMPTY = -1;

export interface OpenOrder {
  clientOrderId: number;
  symbolId: SymbolId;
  venueId: VenueId;
  side: number;
  qty: number;
  filledQty: number;
  limitPx: number;
  state: number;
}

export class OrderTracker {
  private readonly ids: Float64Array;
  private readonly symbol: Int32Array;
  private readonly venue: Int32Array;
  private readonly side: Int32Array;
  private readonly qty: Float64Array;
  private readonly filled: Float64Array;
  private readonly limitPx: Float64Array;
  private readonly state: Int32Array;
  private readonly mask: number;
  private count = 0;
  anomalies = 0;

  /** `capacity` is rounded up to a power of two, at least twice the open orders allowed. */
  constructor(maxOpen: number) {
    let cap = 2;
    while (cap < maxOpen * 2) cap *= 2;
    this.mask = cap - 1;
    this.ids = new Float64Array(cap).fill(EMPTY);
    this.symbol = new Int32Array(cap);
    this.venue = new Int32Array(cap);
    this.side = new Int32Array(cap);
    this.qty = new Float64Array(cap);
    this.filled = new Float64Array(cap);
    this.limitPx = new Float64Array(cap);
    this.state = new Int32Array(cap);
  }

  get openCount(): number {
    return this.count;
  }

  /** Starts tracking an approved order; false when the table is full (caller rejects). */
  open(id: number, symbolId: number, venueId: number, side: number, qty: number, limitPx: number): boolean {
    if (this.count * 2 >= this.mask + 1) return false;
    let i = this.home(id);
    while (this.ids[i] !== EMPTY) i = (i + 1) & this.mask;
    this.ids[i] = id;
    this.symbol[i] = symbolId;
    this.venue[i] = venueId;
    this.side[i] = side;
    this.qty[i] = qty;
    this.filled[i] = 0;
    this.limitPx[i] = limitPx;
    this.state[i] = OrderState.pending;
    this.count++;
    return true;
  }

  /** Slot of an open order, or -1. */
  find(id: number): number {
    let i = this.home(id);
    for (let probes = 0; probes <= this.mask; probes++) {
      const v = this.ids[i];
      if (v === id) return i;
      if (v === EMPTY) return -1;
      i = (i + 1) & this.mask;
    }
    return -1;
  }

  onAck(id: number): void {
    const i = this.find(id);
    if (i < 0 || this.state[i] !== OrderState.pending) {
      this.anomalies++;
      return;
    }
    this.state[i] = OrderState.acked;
  }

  /** Applies a fill; returns the quantity still open on the order after it (0 closes it). */
  onFill(id: number, fillQty: number): number {
    const i = this.find(id);
    if (i < 0) {
      this.anomalies++;
      return 0;
    }
    const filled = this.filled[i] + fillQty;
    if (filled > this.qty[i] + 1e-9) this.anomalies++;
    this.filled[i] = filled;
    const leaves = Math.max(0, this.qty[i] - filled);
    if (leaves === 0) this.close(i);
    else this.state[i] = OrderState.partiallyFilled;
    return leaves;
  }

  /** Cancel, reject or expiry: the order is over; returns the quantity that was still open. */
  onDone(id: number): number {
    const i = this.find(id);
    if (i < 0) {
      this.anomalies++;
      return 0;
    }
    const leaves = Math.max(0, this.qty[i] - this.filled[i]);
    this.close(i);
    return leaves;
  }

  /** Calls `f` for every open order (kill switch, reports); allocates, so never on the hot path. */
  forEachOpen(f: (o: OpenOrder) => void): void {
    for (let i = 0; i <= this.mask; i++) {
      if (this.ids[i] === EMPTY) continue;
      f({
        clientOrderId: this.ids[i],
        symbolId: asSymbolId(this.symbol[i]),
        venueId: asVenueId(this.venue[i]),
        side: this.side[i],
        qty: this.qty[i],
        filledQty: this.filled[i],
        limitPx: this.limitPx[i],
        state: this.state[i],
      });
    }
  }

  private home(id: number): number {
    // Ids are sequential per run: the low bits spread them evenly.
    return (id >>> 0) & this.mask;
  }

  /** Removes slot i, re-placing the probe chain after it (backward-shift deletion). */
  private close(i: number): void {
    this.ids[i] = EMPTY;
    this.state[i] = OrderState.free;
    this.count--;
    let j = (i + 1) & this.mask;
    while (this.ids[j] !== EMPTY) {
      const id = this.ids[j];
      const h = this.home(id);
      // Move j back to i when i lies cyclically in [h, j).
      if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) {
        this.moveSlot(j, i);
        i = j;
      }
      j = (j + 1) & this.mask;
    }
  }

  private moveSlot(from: number, to: number): void {
    this.ids[to] = this.ids[from];
    this.symbol[to] = this.symbol[from];
    this.venue[to] = this.venue[from];
    this.side[to] = this.side[from];
    this.qty[to] = this.qty[from];
    this.filled[to] = this.filled[from];
    this.limitPx[to] = this.limitPx[from];
    this.state[to] = this.state[from];
    this.ids[from] = EMPTY;
    this.state[from] = OrderState.free;
  }
}
