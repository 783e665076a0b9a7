import type { RouteStage } from '../routing/route-stage.js';
import { Breaker, type ControlBlock } from '../run-state/control-block.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import { OrderCodec, TickCodec } from '../shm/records.js';
import type { SpscRing } from '../shm/spsc-ring.js';
import { BATCH, type HostTime, type StageNode } from './stage-node.js';

/**
 * Ticks in, orders out. Orders are never dropped silently: a full order ring is a fault that
 * halts trading (circuit breaker) and counts the order as dropped.
 */
export class RouteNode implements StageNode {
  readonly name = 'route';
  private readonly tick = TickCodec.create();
  private readonly outOrders;
  private readonly droppedSlot: number;
  private readonly tripSlot: number;

  constructor(
    private readonly stage: RouteStage,
    private readonly ticks: SpscRing,
    private readonly orders: SpscRing,
    private readonly control: ControlBlock,
    private readonly metrics: PipelineMetrics,
  ) {
    this.droppedSlot = metrics.slot('orders_dropped');
    this.tripSlot = metrics.slot('breaker_trips');
    this.outOrders = Array.from({ length: stage.maxOrdersPerTick }, () => OrderCodec.create());
  }

  poll(_time: HostTime): number {
    const n = Math.min(this.ticks.available(), BATCH);
    if (n === 0) return 0;
    let sent = 0;
    for (let i = 0; i < n; i++) {
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
    if (sent > 0) this.orders.publish();
    return n;
  }

  private orderRingFull(): void {
    this.metrics.counters.add(this.droppedSlot, 1);
    if (this.control.trip(Breaker.orderRingFull)) this.metrics.counters.add(this.tripSlot, 1);
  }

  hasWork(): boolean {
    return this.ticks.available() > 0;
  }

  lowerDue(_time: HostTime): void {}

  close(): void {}
}
