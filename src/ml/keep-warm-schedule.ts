/**
 * When to run a throw-away inference so the next real one finds onnxruntime in cache: once no
 * inference ran for the interval (measured here, batch 1: 8 us back to back, ~200 us after 20 ms
 * idle, ~12-16 us when something ran within the last 1-2 ms). Used by the latency-model
 * forecaster; an interval of 0 turns it off.
 */
export class KeepWarmSchedule {
  private lastRunNs = Number.NEGATIVE_INFINITY;

  constructor(private readonly intervalNs: number) {}

  get enabled(): boolean {
    return this.intervalNs > 0;
  }

  /** Notes an inference (real or throw-away) at `nowNs`. */
  ran(nowNs: number): void {
    this.lastRunNs = nowNs;
  }

  /** True when a throw-away inference is due at `nowNs`. */
  due(nowNs: number): boolean {
    return this.intervalNs > 0 && nowNs >= this.lastRunNs + this.intervalNs;
  }

  /** When one next falls due (+Infinity when off). */
  nextNs(): number {
    return this.intervalNs > 0 ? Math.max(0, this.lastRunNs + this.intervalNs) : Number.POSITIVE_INFINITY;
  }
}
