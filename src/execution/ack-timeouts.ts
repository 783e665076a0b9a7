/**
 * Orders sent and not yet acked, with their deadlines. `expired(now)` yields, one by one, the
 * orders whose ack is overdue. Preallocated: nothing is allocated per order.
 */
import { TimerHeap } from '../core/timer-heap.js';
import { OrderTracker } from './order-tracker.js';

export class AckTimeouts {
  private readonly waiting: OrderTracker;
  private readonly heap: TimerHeap;
  private readonly ids: Float64Array;
  private readonly venues: Int32Array;
  private next = 0;

  constructor(
    private readonly timeoutNs: number,
    capacity = 65536,
  ) {
    this.waiting = new OrderTracker(capacity);
    this.heap = new TimerHeap(capacity);
    this.ids = new Float64Array(capacity);
    this.venues = new Int32Array(capacity);
  }

  sent(clientOrderId: number, venueId: number, nowNs: number): void {
    if (!this.waiting.open(clientOrderId, 0, venueId, 1, 1, 0)) return;
    const k = this.next;
    this.next = (this.next + 1) % this.ids.length;
    this.ids[k] = clientOrderId;
    this.venues[k] = venueId;
    this.heap.push(nowNs + this.timeoutNs, k);
  }

  acked(clientOrderId: number): void {
    if (this.waiting.find(clientOrderId) >= 0) this.waiting.onDone(clientOrderId);
  }

  nextDueNs(): number {
    return this.heap.peekDue();
  }

  /** Id of the next order whose ack is overdue at `nowNs` (its venue in `venueOut[0]`), or -1. */
  nextExpired(nowNs: number, venueOut: Int32Array): number {
    while (this.heap.size > 0 && this.heap.peekDue() <= nowNs) {
      const k = this.heap.pop();
      const id = this.ids[k];
      if (this.waiting.find(id) < 0) continue; // acked in time
      this.waiting.onDone(id);
      venueOut[0] = this.venues[k];
      return id;
    }
    return -1;
  }
}
