import type { PredictStage } from '../ml/predict-stage.js';
import { LatencySampleCodec } from '../shm/records.js';
import type { SpscRing } from '../shm/spsc-ring.js';
import { BATCH, createHostTime, type HostTime, lowerDueNs, NOW_NS, type StageNode } from './stage-node.js';

/** Batches forecasts: at most one refresh of every venue per interval, after samples arrived. */
const REFRESH_INTERVAL_NS = 1e6;

export class PredictNode implements StageNode {
  readonly name = 'predict';
  private readonly sample = LatencySampleCodec.create();
  private nextRefreshNs = 0;
  private pending = false;

  constructor(
    private readonly stage: PredictStage,
    private readonly samples: SpscRing,
    /** Every sample is also copied here for the run's recording (null: not recording). */
    private readonly record: SpscRing | null = null,
  ) {}

  poll(time: HostTime): number {
    const nowNs = time[NOW_NS];
    const n = Math.min(this.samples.available(), BATCH);
    for (let i = 0; i < n; i++) {
      LatencySampleCodec.read(this.samples.f64, this.samples.i32, this.samples.next(), this.sample);
      this.stage.onLatencySample(this.sample);
      if (this.record !== null) {
        const off = this.record.claim();
        if (off >= 0) LatencySampleCodec.write(this.record.f64, this.record.i32, off, this.sample);
      }
    }
    if (n > 0) this.record?.publish();
    if (n > 0) {
      this.samples.release();
      this.pending = true;
    }
    this.stage.retryOpenBreakers(nowNs);
    if (this.pending && nowNs >= this.nextRefreshNs) {
      this.stage.refresh();
      this.pending = false;
      this.nextRefreshNs = nowNs + REFRESH_INTERVAL_NS;
    } else if (n === 0) this.stage.keepWarm(nowNs);
    return n;
  }

  hasWork(): boolean {
    return this.samples.available() > 0;
  }

  lowerDue(time: HostTime): void {
    lowerDueNs(time, this.dueNs());
  }

  private dueNs(): number {
    // An open latency breaker is half-opened on time even when no sample comes (the backtest's
    // event loop polls this node only when it is fed or due).
    return Math.min(
      this.pending ? this.nextRefreshNs : Number.POSITIVE_INFINITY,
      this.stage.nextRetryNs(),
      this.stage.nextWarmNs(),
    );
  }

  /** Takes in the samples measured before the stop (the last acks' round trips), then refreshes. */
  close(): void {
    const time = createHostTime();
    while (this.samples.available() > 0) this.poll(time);
    this.stage.refresh();
    this.stage.release();
  }
}
