/**
 * Our own order rate per venue and the latency it costs (config `latency.load`): a decayed count
 * of the orders sent there over the load window, and x (rate / ref_orders_per_s)^slope above the
 * reference rate, as LoadDependentLatency applies it in the daemon.
 */
import type { VenueLatencyConfig } from '../../config/config-types.js';

/** Same default as createVenueLatencyModel's load window. */
const DEFAULT_LOAD_WINDOW_MS = 1000;

export class LoadMeter {
  private readonly rateHz: Float64Array;
  private readonly lastNs: Float64Array;
  private readonly windowNs: Float64Array;
  private readonly refHz: Float64Array;
  private readonly slope: Float64Array;

  constructor(venues: readonly { readonly latency: VenueLatencyConfig }[]) {
    const n = venues.length;
    this.rateHz = new Float64Array(n);
    this.lastNs = new Float64Array(n);
    this.windowNs = Float64Array.from(
      venues,
      (v) => (v.latency.load?.window_ms ?? DEFAULT_LOAD_WINDOW_MS) * 1e6,
    );
    this.refHz = Float64Array.from(
      venues,
      (v) => v.latency.load?.ref_orders_per_s ?? Number.POSITIVE_INFINITY,
    );
    this.slope = Float64Array.from(venues, (v) => v.latency.load?.slope ?? 0);
  }

  reset(): void {
    this.rateHz.fill(0);
    this.lastNs.fill(0);
  }

  /** Counts one of our orders at the venue. */
  record(v: number, nowNs: number): void {
    this.rateHz[v] = this.rateAt(v, nowNs) + 1e9 / this.windowNs[v];
    this.lastNs[v] = nowNs;
  }

  /** Our recent order rate to the venue, orders/s. */
  rateAt(v: number, nowNs: number): number {
    const dt = nowNs - this.lastNs[v];
    return dt > 0 ? this.rateHz[v] * Math.exp(-dt / this.windowNs[v]) : this.rateHz[v];
  }

  /** Latency multiple at the venue with `extraOrders` more orders counted. */
  factor(v: number, nowNs: number, extraOrders = 0): number {
    const rate = this.rateAt(v, nowNs) + (extraOrders * 1e9) / this.windowNs[v];
    const ref = this.refHz[v];
    return rate > ref ? (rate / ref) ** this.slope[v] : 1;
  }
}
