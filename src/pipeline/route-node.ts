import type { RouteStage } from '../routing/route-stage.js';
import { Breaker, type ControlBlock } from '../run-state/control-block.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import { type Order, OrderCodec, TickCodec } from '../shm/records.js';
import type { SpscRing } from '../shm/spsc-ring.js';
import { MAX_INTENTS_PER_TICK } from '../strategies/strategy.js';
import { BATCH, type HostTime, lowerDueNs, NOW_NS, type StageNode } from './stage-node.js';

/**
 * Ticks in, orders out. Orders are never dropped silently: a full order ring is a fault that
 * halts trading (circuit breaker) and counts the order as dropped.
 */
export class RouteNode implements StageNode {
  readonly name = 'route';
  private readonly tick = TickCodec.create();
  private readonly outOrders = Array.from({ length: MAX_INTENTS_PER_TICK }, () => OrderCodec.create());
  private readonly droppedSlot: number;
  private readonly tripSlot: number;
  /** A policy router decides the poll's orders in one batch after its ticks. */
  private readonly policyRouted: boolean;
  private readonly decided = OrderCodec.create();
  private completed = 0;
  private readonly emit = (order: Order) => {
    const off = this.orders.claim();
    if (off < 0) {
      this.orderRingFull();
      return;
    }
    OrderCodec.write(this.orders.f64, this.orders.i32, off, order);
    this.completed++;
  };

  constructor(
    private readonly stage: RouteStage,
    private readonly ticks: SpscRing,
    private readonly orders: SpscRing,
    private readonly control: ControlBlock,
    private readonly metrics: PipelineMetrics,
  ) {
    this.droppedSlot = metrics.slot('orders_dropped');
    this.tripSlot = metrics.slot('breaker_trips');
    this.policyRouted = stage.policyRouted;
  }

  poll(time: HostTime): number {
    const nowNs = time[NOW_NS];
    const n = Math.min(this.ticks.available(), BATCH);
    if (n === 0) {
      if (this.policyRouted) this.stage.keepWarm(nowNs);
      return 0;
    }
    let sent = 0;
    this.completed = 0;
    for (let i = 0; i < n; i++) {
      if (this.policyRouted && this.stage.decisionBatchFull)
        this.stage.completeDecisions(this.decided, this.emit);
      TickCodec.read(this.ticks.f64, this.ticks.i32, this.ticks.next(), this.tick);
      const k = this.stage.onTick(this.tick, this.outOrders);
      for (let j = 0; j < k; j++) {
        const off = this.orders.claim();
        if (off < 0) {
          this.orderRingFull();
          continue;
        }
        OrderCodec.write(this.orders.f64, this.orders.i32, off, this.outOrders[j]);
        sent++;
      }
    }
    this.ticks.release();
    if (this.policyRouted) this.stage.completeDecisions(this.decided, this.emit);
    sent += this.completed;
    if (sent > 0) this.orders.publish();
    return n + this.completed;
  }

  private orderRingFull(): void {
    this.metrics.counters.add(this.droppedSlot, 1);
    if (this.control.trip(Breaker.orderRingFull)) this.metrics.counters.add(this.tripSlot, 1);
  }

  hasWork(): boolean {
    return this.ticks.available() > 0;
  }

  lowerDue(time: HostTime): void {
    lowerDueNs(time, this.dueNs());
  }

  private dueNs(): number {
    return this.stage.nextWarmNs();
  }

  close(): void {}
}
