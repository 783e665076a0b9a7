/**
 * Execute: hands approved orders to the venue gateway (the end of tick-to-order), and turns venue
 * responses into execution reports and measured order->ack latency samples.
 */
import type { Clock } from '../core/clock.js';
import { ORDER_STATUSES, type PipelineMetrics } from '../pipeline/pipeline-metrics.js';
import { ExecKind, type ExecReport, LatencyKind, type LatencySample, type Order } from '../shm/records.js';
import { VenueRejectReason } from './sim-venue-gateway.js';
import type { VenueGateway } from './venue-gateway.js';

type OrderStatus = (typeof ORDER_STATUSES)[number];

export class ExecutionStage {
  private readonly sentSlot: number;
  private readonly ackedSlot: number;
  /** venueStatusSlots[status][venue] */
  private readonly venueStatusSlots: Record<OrderStatus, Int32Array>;

  constructor(
    venueCount: number,
    private readonly gateway: VenueGateway,
    private readonly clock: Clock,
    private readonly metrics: PipelineMetrics,
  ) {
    this.sentSlot = metrics.slot('orders_sent');
    this.ackedSlot = metrics.slot('orders_acked');
    this.venueStatusSlots = {} as Record<OrderStatus, Int32Array>;
    for (const s of ORDER_STATUSES) {
      this.venueStatusSlots[s] = metrics.slots(venueCount, (v) => `venue_${v}_orders_${s}`);
    }
  }

  /**
   * Sends the order. Returns false when the gateway is full; then `reject` holds a venue reject
   * for the order so it is accounted for, never lost.
   */
  onOrder(order: Order, reject: ExecReport): boolean {
    const sentNs = this.clock.nowNs();
    if (!this.gateway.submit(order, sentNs)) {
      fillReject(order, sentNs, reject);
      return false;
    }
    const c = this.metrics.counters;
    c.add(this.sentSlot, 1);
    c.add(this.venueStatusSlots.sent[order.venueId], 1);
    this.metrics.hist.tick_to_order.record(sentNs - order.tickRecvTsNs);
    this.metrics.hist.stage_execute.record(sentNs - order.riskTsNs);
    return true;
  }

  /** Next execution report due now, counted by venue and status. */
  nextReport(out: ExecReport): boolean {
    if (!this.gateway.nextReport(this.clock.nowNs(), out)) return false;
    const v = out.venueId;
    const c = this.metrics.counters;
    switch (out.kind) {
      case ExecKind.ack: {
        const ackNs = out.recvTsNs - out.sentTsNs;
        c.add(this.ackedSlot, 1);
        c.add(this.venueStatusSlots.acked[v], 1);
        this.metrics.hist.order_to_ack.record(ackNs);
        this.metrics.venueAck[v].record(ackNs);
        break;
      }
      case ExecKind.fill:
        if (out.leavesQty === 0) c.add(this.venueStatusSlots.filled[v], 1);
        break;
      case ExecKind.reject:
        c.add(this.venueStatusSlots.rejected[v], 1);
        break;
      case ExecKind.cancel:
        c.add(this.venueStatusSlots.cancelled[v], 1);
        break;
      case ExecKind.expired:
        c.add(this.venueStatusSlots.expired[v], 1);
        break;
    }
    return true;
  }

  /** The measured order->ack round trip of an ack report, as a latency sample for predict. */
  toLatencySample(ack: ExecReport, out: LatencySample): void {
    out.venueId = ack.venueId;
    out.kind = LatencyKind.orderAck;
    out.latencyNs = ack.recvTsNs - ack.sentTsNs;
    out.tsNs = ack.recvTsNs;
    out.orderQty = ack.leavesQty;
  }

  nextDueNs(): number {
    return this.gateway.nextDueNs();
  }
}

function fillReject(order: Order, nowNs: number, r: ExecReport): void {
  r.clientOrderId = order.clientOrderId;
  r.symbolId = order.symbolId;
  r.venueId = order.venueId;
  r.side = order.side;
  r.kind = ExecKind.reject;
  r.reason = VenueRejectReason.capacity;
  r.fillQty = 0;
  r.fillPx = 0;
  r.feeUsd = 0;
  r.leavesQty = order.qty;
  r.sentTsNs = nowNs;
  r.venueTsNs = nowNs;
  r.recvTsNs = nowNs;
}
