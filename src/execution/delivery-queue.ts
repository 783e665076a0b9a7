/**
 * Reports a simulated venue has decided and that are travelling back to the gateway (resting
 * fills, expiries, cancels). Preallocated records with a free list.
 */
export class DeliveryQueue {
  readonly slot: Int32Array;
  readonly kind: Int32Array;
  readonly qty: Float64Array;
  readonly px: Float64Array;
  readonly leaves: Float64Array;
  readonly venueTsNs: Float64Array;
  readonly feeUsd: Float64Array;
  /** VenueRejectReason of a reject or cancel, else 0. */
  readonly reason: Int32Array;
  /** 1 when this report ends the order. */
  readonly final: Uint8Array;
  private readonly freeList: Int32Array;
  private top: number;

  constructor(capacity: number) {
    this.slot = new Int32Array(capacity);
    this.kind = new Int32Array(capacity);
    this.qty = new Float64Array(capacity);
    this.px = new Float64Array(capacity);
    this.leaves = new Float64Array(capacity);
    this.venueTsNs = new Float64Array(capacity);
    this.feeUsd = new Float64Array(capacity);
    this.reason = new Int32Array(capacity);
    this.final = new Uint8Array(capacity);
    this.freeList = Int32Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
    this.top = capacity;
  }

  /** Index of the new record; throws if full (twice the order capacity: cannot happen). */
  add(
    slot: number,
    kind: number,
    qty: number,
    px: number,
    leaves: number,
    venueTsNs: number,
    final: boolean,
    feeUsd = 0,
    reason = 0,
  ): number {
    if (this.top === 0) throw new Error('sim venue: delivery queue full');
    const d = this.freeList[--this.top];
    this.slot[d] = slot;
    this.kind[d] = kind;
    this.qty[d] = qty;
    this.px[d] = px;
    this.leaves[d] = leaves;
    this.venueTsNs[d] = venueTsNs;
    this.final[d] = final ? 1 : 0;
    this.feeUsd[d] = feeUsd;
    this.reason[d] = reason;
    return d;
  }

  free(d: number): void {
    this.freeList[this.top++] = d;
  }
}
