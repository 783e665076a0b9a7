/**
 * The orders a simulated venue is working, in preallocated typed arrays indexed by slot, with a
 * free list: taking and releasing a slot allocates nothing. Shared by the live simulated venues
 * (SimVenueGateway) and the backtest's (BacktestExchange); each keeps its own extra columns.
 */

import { asSymbolId, asVenueId } from '../core/ids.js';
import type { ExecReport, Order } from '../shm/records.js';

export class OrderSlots {
  readonly clientOrderId: Float64Array;
  readonly symbolId: Int32Array;
  readonly venueId: Int32Array;
  readonly side: Int32Array;
  readonly type: Int32Array;
  readonly qty: Float64Array;
  readonly limitPx: Float64Array;
  /** When the order was handed to the venue connection. */
  readonly sentTsNs: Float64Array;
  readonly cancelRequested: Uint8Array;
  private readonly freeList: Int32Array;
  private top: number;

  constructor(readonly capacity: number) {
    this.clientOrderId = new Float64Array(capacity);
    this.symbolId = new Int32Array(capacity);
    this.venueId = new Int32Array(capacity);
    this.side = new Int32Array(capacity);
    this.type = new Int32Array(capacity);
    this.qty = new Float64Array(capacity);
    this.limitPx = new Float64Array(capacity);
    this.sentTsNs = new Float64Array(capacity);
    this.cancelRequested = new Uint8Array(capacity);
    this.freeList = Int32Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
    this.top = capacity;
  }

  get inUse(): number {
    return this.capacity - this.top;
  }

  /** A slot holding `order`, sent at `nowNs`; -1 when every slot is taken. */
  take(order: Order, nowNs: number): number {
    if (this.top === 0) return -1;
    const s = this.freeList[--this.top];
    this.clientOrderId[s] = order.clientOrderId;
    this.symbolId[s] = order.symbolId;
    this.venueId[s] = order.venueId;
    this.side[s] = order.side;
    this.type[s] = order.type;
    this.qty[s] = order.qty;
    this.limitPx[s] = order.limitPx;
    this.sentTsNs[s] = nowNs;
    this.cancelRequested[s] = 0;
    return s;
  }

  release(s: number): void {
    this.freeList[this.top++] = s;
  }

  /** The order's identity in a report received at `recvTsNs`; amounts are zeroed for the caller to set. */
  header(s: number, out: ExecReport, recvTsNs: number): void {
    out.clientOrderId = this.clientOrderId[s];
    out.symbolId = asSymbolId(this.symbolId[s]);
    out.venueId = asVenueId(this.venueId[s]);
    out.side = this.side[s];
    out.sentTsNs = this.sentTsNs[s];
    out.recvTsNs = recvTsNs;
    out.fillQty = 0;
    out.fillPx = 0;
    out.feeUsd = 0;
    out.reason = 0;
  }
}
