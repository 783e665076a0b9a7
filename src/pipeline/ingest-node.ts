import type { IngestStage } from '../market/ingest-stage.js';
import type { MarketSource } from '../market/market-source.js';
import type { TickConflator } from '../market/tick-conflator.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import { TickCodec } from '../shm/records.js';
import type { SpscRing } from '../shm/spsc-ring.js';
import { BATCH, type HostTime, lowerDueNs, NOW_NS, type StageNode } from './stage-node.js';

/**
 * Pulls due ticks from the source through the ingest stage into the tick ring. When the ring is
 * full, paced ticks are conflated (latest per symbol and venue) and counted; an unpaced source
 * ("as fast as it goes") is simply not asked for more than the ring can take.
 *
 * A paced source can also fall behind ingest itself (a burst over what ingest validates and
 * publishes per second): its due ticks would then queue in the source and reach the pipeline ever
 * later. On a thread of its own, ingest catches up instead: while the source still has due ticks
 * after a full batch, it reads them raw, up to CATCH_UP_BATCH a poll, keeps only the latest per
 * symbol and venue (the others are counted received and conflated, never processed), and passes
 * those through the stage. Ingest stays current; the strategy sees the newest book.
 */
/**
 * Ticks taken from a paced source per poll when ingest shares a thread with route (fused, inline):
 * small, so a burst of due ticks is interleaved with routing instead of queueing behind the whole
 * burst. On a thread of its own (threads) there is nothing to interleave with, and a backlog is
 * taken in full batches (BATCH), so a burst reaches the tick ring at full speed and is conflated
 * there rather than queueing in the source; a flat-out source takes full batches too.
 */
export const PACED_BATCH = 16;
/** Raw ticks read per poll while catching up (class comment). */
const CATCH_UP_BATCH = 4096;

export class IngestNode implements StageNode {
  readonly name = 'ingest';
  private readonly tick = TickCodec.create();
  private readonly processedSlot: number;
  private readonly conflatedSlot: number;
  private readonly recordDroppedSlot: number;
  private readonly receivedSlot: number;
  private readonly resumeSlot: number;
  /** Latest raw tick per key while catching up; null when this node never catches up. */
  private readonly backlog: TickConflator | null;
  private behind = false;

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
    /** Ticks taken from a paced source per poll (see PACED_BATCH). */
    private readonly pacedBatch = PACED_BATCH,
    /** Conflates a paced source's backlog (class comment): a conflator of the same keys, or null. */
    backlog: TickConflator | null = null,
  ) {
    this.backlog = paced ? backlog : null;
    this.receivedSlot = metrics.slot('ticks_received');
    this.processedSlot = metrics.slot('ticks_processed');
    this.conflatedSlot = metrics.slot('ticks_conflated');
    this.recordDroppedSlot = metrics.slot('record_dropped');
    this.resumeSlot = metrics.slot('replay_resume_offset');
  }

  /** The recording is telemetry: a full record ring drops the copy (counted), never the tick. */
  private recordTick(): void {
    const r = this.record!;
    const off = r.claim();
    if (off >= 0) TickCodec.write(r.f64, r.i32, off, this.tick);
    else this.metrics.counters.add(this.recordDroppedSlot, 1);
  }

  poll(time: HostTime): number {
    const nowNs = time[NOW_NS];
    let n = this.conflator.size > 0 ? this.conflator.drainInto(this.out) : 0;
    if (this.behind) n += this.catchUp(nowNs);
    else {
      const budget = this.paced ? this.pacedBatch : Math.min(BATCH, this.out.freeSlots());
      let i = 0;
      for (; i < budget && this.source.poll(nowNs, this.tick); i++) {
        n++;
        this.accept();
      }
      this.behind = this.backlog !== null && i === budget && this.source.nextDueNs() <= nowNs;
    }
    if (n > 0) {
      this.out.publish();
      this.record?.publish();
      // Published: a successor of this worker continues after these ticks, never before them.
      if (this.source.resumePoint !== undefined)
        this.metrics.counters.set(this.resumeSlot, this.source.resumePoint());
    } else if (this.exhausted()) this.onExhausted();
    return n;
  }

  /** One tick from the source through the stage, into the ring (or the conflator when it is full). */
  private accept(): void {
    if (!this.stage.onTick(this.tick)) return;
    const c = this.metrics.counters;
    c.add(this.processedSlot, 1);
    if (this.record !== null) this.recordTick();
    const off = this.conflator.size > 0 ? -1 : this.out.claim();
    if (off >= 0) TickCodec.write(this.out.f64, this.out.i32, off, this.tick);
    else if (this.conflator.hold(this.tick)) c.add(this.conflatedSlot, 1);
  }

  /** Reads a paced source's backlog raw, keeps the latest tick per key, and passes those on. */
  private catchUp(nowNs: number): number {
    const backlog = this.backlog!;
    const c = this.metrics.counters;
    let read = 0;
    while (read < CATCH_UP_BATCH && this.source.poll(nowNs, this.tick)) {
      read++;
      // A tick with ids out of range has no key: the stage refuses it, counted by reason.
      if (!backlog.fits(this.tick)) this.accept();
      else if (backlog.hold(this.tick)) {
        c.add(this.receivedSlot, 1);
        c.add(this.conflatedSlot, 1);
      }
    }
    if (read < CATCH_UP_BATCH) this.behind = false;
    while (backlog.takeInto(this.tick)) this.accept();
    return read;
  }

  hasWork(): boolean {
    if (this.eventDriven && this.source.nextDueNs() <= 0) return true;
    return this.behind || (this.conflator.size > 0 && this.out.freeSlots() > 0);
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

  lowerDue(time: HostTime): void {
    lowerDueNs(time, this.dueNs());
  }

  private dueNs(): number {
    // Pending conflated ticks or a backlog: retry soon rather than sleep until the next source tick.
    return this.conflator.size > 0 || this.behind ? 0 : this.source.nextDueNs();
  }

  close(): void {
    // Socket sources hold connections that would keep the worker alive.
    void (this.source as { close?: () => unknown }).close?.();
  }
}
