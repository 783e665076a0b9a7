/**
 * Execute: hands approved orders to the venue gateway (the end of tick-to-order), and turns venue
 * responses into execution reports and measured order->ack latency samples.
 */
import type { Clock } from '../core/clock.js';
import { asSymbolId, asVenueId } from '../core/ids.js';
import { VenueFlag, type VenueFlagSink } from '../run-state/control-block.js';
import { ORDER_STATUSES, type PipelineMetrics } from '../run-state/pipeline-metrics.js';
import {
  ExecKind,
  type ExecReport,
  LatencyKind,
  type LatencySample,
  type Order,
  OrderType,
} from '../shm/records.js';
import { AckTimeouts } from './ack-timeouts.js';
import { type VenueGateway, VenueRejectReason } from './venue-gateway.js';

type OrderStatus = (typeof ORDER_STATUSES)[number];

export class ExecutionStage {
  private readonly sentSlot: number;
  private readonly timeouts: AckTimeouts;
  private readonly timeoutVenue = new Int32Array(1);
  /** Unique per report in this run; resends and journal replay deduplicate on it. */
  /** When `onOrder` last handed a new order to the gateway; NaN after a cancel or a refusal. */
  private handOffNs = Number.NaN;
  private execSeq: number;
  private readonly lastExecSlot: number;
  private readonly ackedSlot: number;
  private readonly outageTripSlot: number;
  private readonly disconnectSlot: number;
  private readonly reconnectSlot: number;
  /** Sessions opened per venue (a socket gateway's), to tell a reconnect from the first connect. */
  private readonly sessions: Int32Array;
  /** venueStatusSlots[status][venue] */
  private readonly venueStatusSlots: Record<OrderStatus, Int32Array>;

  constructor(
    venueCount: number,
    private readonly gateway: VenueGateway,
    private readonly clock: Clock,
    private readonly metrics: PipelineMetrics,
    private readonly venueFlags: VenueFlagSink,
    ackTimeoutNs: number,
    /** Exec ids continue above this (a restarted execute worker, a recovered run). */
    execIdBase = 0,
  ) {
    this.timeouts = new AckTimeouts(ackTimeoutNs);
    this.execSeq = execIdBase;
    this.lastExecSlot = metrics.slot('last_exec_id');
    this.sentSlot = metrics.slot('orders_sent');
    this.ackedSlot = metrics.slot('orders_acked');
    this.outageTripSlot = metrics.slot('venue_outage_trips');
    this.disconnectSlot = metrics.slot('venue_disconnects');
    this.reconnectSlot = metrics.slot('venue_reconnects');
    this.sessions = new Int32Array(venueCount);
    this.venueStatusSlots = {} as Record<OrderStatus, Int32Array>;
    for (const s of ORDER_STATUSES) {
      this.venueStatusSlots[s] = metrics.slots(venueCount, (v) => `venue_${v}_orders_${s}`);
    }
  }

  /**
   * Sends the order (or the cancel). Returns true when `out` holds a report to pass on at once:
   * a venue reject because the gateway is full, or the venue's immediate answer to a cancel.
   */
  onOrder(order: Order, out: ExecReport): boolean {
    const sentNs = this.clock.nowNs();
    this.handOffNs = Number.NaN;
    if (order.type === OrderType.cancel) {
      if (!this.gateway.cancel(order.clientOrderId, sentNs, out)) return false;
      fillIdentity(order, out);
      out.execId = this.nextExecId();
      return true;
    }
    if (!this.gateway.submit(order, sentNs)) {
      const down = this.gateway.connected?.(order.venueId) === false;
      fillReject(order, sentNs, out, down ? VenueRejectReason.disconnected : VenueRejectReason.capacity);
      if (down) this.setOutage(order.venueId, true);
      out.execId = this.nextExecId();
      return true;
    }
    const c = this.metrics.counters;
    c.add(this.sentSlot, 1);
    c.add(this.venueStatusSlots.sent[order.venueId], 1);
    this.timeouts.sent(order.clientOrderId, order.venueId, sentNs);
    this.metrics.hist.tick_to_order.observe(sentNs - order.tickRecvTsNs);
    this.handOffNs = sentNs;
    this.metrics.hist.stage_execute.observe(sentNs - order.riskTsNs);
    return false;
  }

  /** Next execution report due now, counted by venue and status. */
  nextReport(out: ExecReport): boolean {
    const now = this.clock.nowNs();
    if (!this.gateway.nextReport(now, out) && !this.nextAckTimeout(now, out)) return false;
    out.execId = this.nextExecId();
    const v = out.venueId;
    const c = this.metrics.counters;
    if (out.kind !== ExecKind.ackTimeout) {
      // Any answer ends the wait for an ack (a reject or a disconnect comes without one). An answer
      // from the venue shows it is alive; the gateway's own disconnect report shows it is not.
      this.timeouts.acked(out.clientOrderId);
      this.setOutage(v, out.reason === VenueRejectReason.disconnected && out.kind !== ExecKind.fill);
    }
    switch (out.kind) {
      case ExecKind.ack: {
        const ackNs = out.recvTsNs - out.sentTsNs;
        c.add(this.ackedSlot, 1);
        c.add(this.venueStatusSlots.acked[v], 1);
        this.metrics.hist.order_to_ack.observe(ackNs);
        this.metrics.venueAck[v].observe(ackNs);
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
  /** Execution report ids rise through the run; the newest is shared for a successor worker. */
  private nextExecId(): number {
    this.metrics.counters.set(this.lastExecSlot, ++this.execSeq);
    return this.execSeq;
  }

  /**
   * After `onOrder` handed a new order to the gateway: its tick receive -> hand-off time as a
   * latency sample (recorded, so a backtest can replay our own processing time). False otherwise.
   */
  toDecisionSample(order: Order, out: LatencySample): boolean {
    if (Number.isNaN(this.handOffNs) || !(order.tickRecvTsNs > 0)) return false;
    out.venueId = order.venueId;
    out.kind = LatencyKind.decision;
    out.tsNs = this.handOffNs;
    out.latencyNs = this.handOffNs - order.tickRecvTsNs;
    out.orderQty = order.qty;
    return true;
  }

  toLatencySample(ack: ExecReport, out: LatencySample): void {
    out.venueId = ack.venueId;
    out.kind = LatencyKind.orderAck;
    out.latencyNs = ack.recvTsNs - ack.sentTsNs;
    out.tsNs = ack.recvTsNs;
    out.orderQty = ack.leavesQty;
  }

  nextDueNs(): number {
    return Math.min(this.gateway.nextDueNs(), this.timeouts.nextDueNs());
  }

  /**
   * A socket gateway's session to venue `v` opened or closed: a closed venue is out (routers skip
   * it) until its session is back, when it gets its chance again.
   */
  onVenueConnection(v: number, up: boolean): void {
    const c = this.metrics.counters;
    if (up && this.sessions[v]++ > 0) c.add(this.reconnectSlot, 1);
    if (!up) c.add(this.disconnectSlot, 1);
    this.setOutage(v, !up);
  }

  /** Opens or closes venue `v`'s outage flag, counting each opening. */
  private setOutage(v: number, on: boolean): void {
    if (this.venueFlags.setVenueFlag(v, VenueFlag.outage, on) && on)
      this.metrics.counters.add(this.outageTripSlot, 1);
  }

  /** An order whose ack is overdue: reported (not ended: a late fill still counts) and its venue marked out. */
  private nextAckTimeout(nowNs: number, out: ExecReport): boolean {
    const id = this.timeouts.nextExpired(nowNs, this.timeoutVenue);
    if (id < 0) return false;
    const v = this.timeoutVenue[0];
    this.setOutage(v, true);
    out.clientOrderId = id;
    out.venueId = asVenueId(v);
    out.kind = ExecKind.ackTimeout;
    out.symbolId = asSymbolId(-1);
    out.side = 0;
    out.fillQty = 0;
    out.fillPx = 0;
    out.feeUsd = 0;
    out.leavesQty = 0;
    out.reason = 0;
    out.sentTsNs = 0;
    out.venueTsNs = 0;
    out.recvTsNs = nowNs;
    return true;
  }
}

function fillIdentity(order: Order, r: ExecReport): void {
  r.clientOrderId = order.clientOrderId;
  r.symbolId = order.symbolId;
  r.venueId = order.venueId;
  r.side = order.side;
}

function fillReject(order: Order, nowNs: number, r: ExecReport, reason: number): void {
  fillIdentity(order, r);
  r.kind = ExecKind.reject;
  r.reason = reason;
  r.fillQty = 0;
  r.fillPx = 0;
  r.feeUsd = 0;
  r.leavesQty = order.qty;
  r.sentTsNs = nowNs;
  r.venueTsNs = nowNs;
  r.recvTsNs = nowNs;
}
