/**
 * The trained policy's decisions, made ahead of the orders: one row per (symbol, side, size
 * bucket) holding the split across venues and when it was decided. The policy-table node
 * (beside the order path) writes it after one batched inference; the route stage reads a row
 * per order without waiting (seqlock), so no order waits for onnxruntime.
 *
 * Size buckets are powers of sqrt(2) shares; a bucket's decision is made for the size last
 * routed in it (`qtyHint`, written by the route stage), so a strategy with a fixed order size
 * gets the decision for exactly that size. Only the rows some order asked for are computed: the
 * first order of a bucket finds no decision, marks the row wanted and is routed by the fallback.
 */
import { createSeqlockTable, SeqlockTable, type SeqlockTableHandle } from '../shm/seqlock-table.js';
import { createRing, type RingHandle, SpscRing } from '../shm/spsc-ring.js';
import { PolicyInputCodec, PolicyInputKind, PolicyInputLayout } from './policy-inputs.js';

/** Buckets per side: sizes from 1 share up to 2^(BUCKETS/2), the last bucket takes any larger. */
export const SIZE_BUCKETS = 40;
/** Policy-input frames between two drains by main (every few ms): seconds of a busy run. */
const POLICY_LOG_CAPACITY = 65536;
/** Orders' uses between two refreshes: a refresh stalled for seconds still loses none. */
const USE_RING_CAPACITY = 8192;

export interface RoutingTableHandle {
  readonly decisions: SeqlockTableHandle;
  /** Per row: the size last routed in it (0: no order asked for it yet). */
  readonly qtyHints: SharedArrayBuffer;
  /** Per policy-routed order: its row, tick receive stamp and the decision stamp it used (0: fallback). */
  readonly uses: RingHandle;
  /** What the policy decided from, frame by frame (policy-inputs.ts), for main to log. */
  readonly log: RingHandle;
  readonly symbolCount: number;
  readonly venueCount: number;
}

export function createRoutingTable(symbolCount: number, venueCount: number): RoutingTableHandle {
  const rows = symbolCount * 2 * SIZE_BUCKETS;
  return {
    decisions: createSeqlockTable(rows, venueCount + 1),
    qtyHints: new SharedArrayBuffer(rows * 8),
    uses: createRing('policy-uses', USE_RING_CAPACITY, PolicyInputLayout.sizeBytes),
    log: createRing('policy-inputs', POLICY_LOG_CAPACITY, PolicyInputLayout.sizeBytes),
    symbolCount,
    venueCount,
  };
}

/** The bucket of an order size: floor(2 log2(qty)), clamped to the table. */
export function sizeBucket(qty: number): number {
  if (!(qty > 1)) return 0;
  return Math.min(SIZE_BUCKETS - 1, Math.floor(2 * Math.log2(qty)));
}

export class RoutingTable {
  readonly rows: number;
  readonly symbolCount: number;
  readonly venueCount: number;
  private readonly decisions: SeqlockTable;
  private readonly qtyHints: Float64Array;
  /** Written by the route stage, read by the policy's refresh (one producer, one consumer). */
  readonly uses: SpscRing;
  private readonly use = PolicyInputCodec.create();

  constructor(handle: RoutingTableHandle) {
    this.symbolCount = handle.symbolCount;
    this.venueCount = handle.venueCount;
    this.decisions = new SeqlockTable(handle.decisions);
    this.rows = this.decisions.rows;
    this.qtyHints = new Float64Array(handle.qtyHints);
    this.uses = new SpscRing(handle.uses);
    this.use.kind = PolicyInputKind.use;
  }

  rowOf(symbolId: number, side: number, qty: number): number {
    return (symbolId * 2 + (side > 0 ? 0 : 1)) * SIZE_BUCKETS + sizeBucket(qty);
  }

  symbolOfRow(row: number): number {
    return Math.floor(row / (2 * SIZE_BUCKETS));
  }

  sideOfRow(row: number): number {
    return Math.floor(row / SIZE_BUCKETS) % 2 === 0 ? 1 : -1;
  }

  /** The size last routed in the row, 0 while no order asked for it. */
  qtyHint(row: number): number {
    return this.qtyHints[row];
  }

  /**
   * Copies the row into `out`: the split in `out[0..venueCount)`, when it was decided (ns) in
   * `out[venueCount]`; false when the row has not been decided yet. Either way the order's size
   * becomes the row's hint, so the next refresh decides for it.
   */
  read(row: number, qty: number, out: Float64Array): boolean {
    if (this.qtyHints[row] !== qty) this.qtyHints[row] = qty;
    return this.decisions.readRow(row, out) !== 0;
  }

  /** Like `read`, without making the order's size the row's hint (for readers that are not orders). */
  peek(row: number, out: Float64Array): boolean {
    return this.decisions.readRow(row, out) !== 0;
  }

  /** Writes the row's split, decided at `decidedNs`. */
  publish(row: number, weights: Float64Array, decidedNs: number): void {
    const t = this.decisions;
    t.beginWrite(row);
    for (let v = 0; v < this.venueCount; v++) t.set(row, v, weights[v]);
    t.set(row, this.venueCount, decidedNs);
    t.endWrite(row);
  }

  /**
   * Notes that the order of the tick received at `tickRecvTsNs` was routed on the row's decision
   * made at `decidedNs` (0: the fallback routed it), so the policy's log can say which decision
   * each order used. Dropped when the ring is full (nobody logs: the run does not record).
   */
  noteUse(row: number, tickRecvTsNs: number, decidedNs: number): void {
    const off = this.uses.claim();
    if (off < 0) return;
    const u = this.use;
    u.index = row;
    u.a = tickRecvTsNs;
    u.b = decidedNs;
    PolicyInputCodec.write(this.uses.f64, this.uses.i32, off, u);
    this.uses.publish();
  }
}
