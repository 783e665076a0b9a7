import type { ExecutionStage } from '../execution/execution-stage.js';
import {
  ExecKind,
  ExecReportCodec,
  type LatencySample,
  LatencySampleCodec,
  OrderCodec,
} from '../shm/records.js';
import type { SpscRing } from '../shm/spsc-ring.js';
import { BATCH, type HostTime, lowerDueNs, type StageNode } from './stage-node.js';

/**
 * Approved orders in, to the venue gateway; execution reports out to risk and measured ack
 * latencies out to predict. A report is only taken from the gateway when the report ring has
 * room, so none is ever dropped. Latency samples are telemetry: dropped (and counted) when full.
 */
export class ExecuteNode implements StageNode {
  readonly name = 'execute';
  private readonly order = OrderCodec.create();
  private readonly report = ExecReportCodec.create();
  private readonly sample = LatencySampleCodec.create();

  /** Probe round trips measured by a socket gateway, forwarded to predict (null: none). */
  private readonly probes: { nextLatencySample(out: LatencySample): boolean } | null;

  constructor(
    private readonly stage: ExecutionStage,
    private readonly approved: SpscRing,
    private readonly reports: SpscRing,
    private readonly samples: SpscRing,
    probes: { nextLatencySample(out: LatencySample): boolean } | null = null,
    /** The gateway talks to venues over sockets: the host idles asynchronously. */
    readonly eventDriven = false,
  ) {
    this.probes = probes;
  }

  poll(): number {
    let handled = 0;
    const n = Math.min(this.approved.available(), BATCH, this.reports.freeSlots());
    let sampled = 0;
    for (let i = 0; i < n; i++) {
      OrderCodec.read(this.approved.f64, this.approved.i32, this.approved.next(), this.order);
      if (this.stage.onOrder(this.order, this.report)) this.writeReport();
      else if (this.stage.toDecisionSample(this.order, this.sample)) sampled += this.writeSample();
    }
    if (n > 0) this.approved.release();
    handled += n;
    let room = this.reports.freeSlots();
    while (room > 0 && handled < 4 * BATCH && this.stage.nextReport(this.report)) {
      this.writeReport();
      room--;
      handled++;
      if (this.report.kind === ExecKind.ack) {
        this.stage.toLatencySample(this.report, this.sample);
        sampled += this.writeSample();
      }
    }
    if (this.probes !== null) {
      for (let off = this.samples.claim(); off >= 0; off = this.samples.claim()) {
        if (!this.probes.nextLatencySample(this.sample)) {
          this.samples.unclaim();
          break;
        }
        LatencySampleCodec.write(this.samples.f64, this.samples.i32, off, this.sample);
        sampled++;
      }
    }
    if (handled > 0) this.reports.publish();
    if (sampled > 0) this.samples.publish();
    return handled;
  }

  /** Samples are telemetry: a full ring drops this one. Returns 1 when written. */
  private writeSample(): number {
    const off = this.samples.claim();
    if (off < 0) return 0;
    LatencySampleCodec.write(this.samples.f64, this.samples.i32, off, this.sample);
    return 1;
  }

  private writeReport(): void {
    ExecReportCodec.write(this.reports.f64, this.reports.i32, this.reports.claim(), this.report);
  }

  hasWork(): boolean {
    return this.approved.available() > 0 || (this.eventDriven && this.stage.nextDueNs() <= 0);
  }

  lowerDue(time: HostTime): void {
    lowerDueNs(time, this.stage.nextDueNs());
  }

  close(): void {
    void (this.probes as { close?: () => unknown } | null)?.close?.();
  }
}
