import type { IngestStage } from '../market/ingest-stage.js';
import type { MarketSource } from '../market/market-source.js';
import type { TickConflator } from '../market/tick-conflator.js';
import { TickCodec } from '../shm/records.js';
import type { SpscRing } from '../shm/spsc-ring.js';
import type { PipelineMetrics } from './pipeline-metrics.js';
import { BATCH, type StageNode } from './stage-node.js';

/**
 * Pulls due ticks from the source through the ingest stage into the tick ring. When the ring is
 * full, paced ticks are conflated (latest per symbol and venue) and counted; an unpaced source
 * ("as fast as it goes") is simply not asked for more than the ring can take.
 */
/**
 * Ticks taken from a paced source per poll. Small, so that when ingest shares a thread with route
 * (fused, inline) a burst of due ticks is interleaved with routing instead of queueing behind the
 * whole burst; a flat-out source takes full batches for throughput.
 */
const PACED_BATCH = 16;

export class IngestNode implements StageNode {
  readonly name = 'ingest';
  private readonly tick = TickCodec.create();
  private readonly processedSlot: number;
  private readonly conflatedSlot: number;
  private readonly recordDroppedSlot: number;

  constructor(
    private readonly source: MarketSource,
    private readonly stage: IngestStage,
    private readonly out: SpscRing,
    private readonly conflator: TickConflator,
    private readonly paced: boolean,
    private readonly metrics: PipelineMetrics,
    /** Every accepted tick is also copied here for the run's recording (null: not recording). */
    private readonly record: SpscRing | null = null,
    /** Called once the source is exhausted (a replay at its end). */
    private readonly onExhausted: () => void = () => {},
  ) {
    this.processedSlot = metrics.slot('ticks_processed');
    this.conflatedSlot = metrics.slot('ticks_conflated');
    this.recordDroppedSlot = metrics.slot('record_dropped');
  }

  /** The recording is telemetry: a full record ring drops the copy (counted), never the tick. */
  private recordTick(): void {
    const r = this.record!;
    const off = r.claim();
    if (off >= 0) TickCodec.write(r.f64, r.i32, off, this.tick);
    else this.metrics.counters.add(this.recordDroppedSlot, 1);
  }

  poll(nowNs: number): number {
    let n = this.conflator.size > 0 ? this.conflator.drainInto(this.out) : 0;
    const budget = this.paced ? PACED_BATCH : Math.min(BATCH, this.out.freeSlots());
    const c = this.metrics.counters;
    for (let i = 0; i < budget && this.source.poll(nowNs, this.tick); i++) {
      n++;
      if (!this.stage.onTick(this.tick)) continue;
      c.add(this.processedSlot, 1);
      if (this.record !== null) this.recordTick();
      const off = this.conflator.size > 0 ? -1 : this.out.claim();
      if (off >= 0) TickCodec.write(this.out.f64, this.out.i32, off, this.tick);
      else if (this.conflator.hold(this.tick)) c.add(this.conflatedSlot, 1);
    }
    if (n > 0) {
      this.out.publish();
      this.record?.publish();
    } else if (this.exhausted()) this.onExhausted();
    return n;
  }

  hasWork(): boolean {
    if (this.eventDriven && this.source.nextDueNs() <= 0) return true;
    return this.conflator.size > 0 && this.out.freeSlots() > 0;
  }

  /** A socket source: ticks arrive on the event loop, so the host must idle asynchronously. */
  get eventDriven(): boolean {
    return this.source.eventDriven === true;
  }

  /** True once the source is exhausted and everything it gave has been passed on. */
  exhausted(): boolean {
    // A socket source is never exhausted: it is only waiting for the next message.
    return (
      !this.eventDriven && this.source.nextDueNs() === Number.POSITIVE_INFINITY && this.conflator.size === 0
    );
  }

  nextDueNs(): number {
    // Pending conflated ticks: retry soon rather than sleep until the next source tick.
    return this.conflator.size > 0 ? 0 : this.source.nextDueNs();
  }

  close(): void {
    // Socket sources hold connections that would keep the worker alive.
    void (this.source as { close?: () => unknown }).close?.();
  }
}
