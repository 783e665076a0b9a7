/**
 * The live dashboard's state, built on the main thread from the same shared counters, histograms
 * and forecast table that `/metrics` reads. Rates and percentiles cover a trailing window (the
 * frames of the last few seconds), totals cover the run. Off the hot path: plain objects are fine.
 */
import type { Registry } from '../core/registry.js';
import { ForecastCol, type ForecastTable } from '../ml/forecast-table.js';
import type { HealthReport } from '../monitoring/health-report.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import type { RiskLimitsView } from '../run-state/run-state.js';
import {
  DurationHistogram,
  type DurationSummaryUs,
  histogramDelta,
  snapshotHistogram,
} from '../shm/duration-histogram.js';

/** Trailing window for rates and percentiles. */
export const SNAPSHOT_WINDOW_NS = 5e9;

export interface VenueSnapshot {
  name: string;
  /** Orders routed to this venue / all routed orders, over the run. */
  routed_share: number;
  routed: number;
  /** The forecast the router reads now (null before the first). */
  forecast_p50_us: number | null;
  forecast_p99_us: number | null;
  /** Measured order->ack p50 over the window (null without acks in it). */
  measured_p50_us: number | null;
  /** Mean |forecast p50 - measured| (predict's running mean). */
  forecast_error_us: number;
  fill_ratio: number;
  latency_spike: boolean;
  outage: boolean;
}

export interface DashboardSnapshot {
  type: 'snapshot';
  uptime_s: number;
  window_s: number;
  status: 'ok' | 'degraded';
  trading_state: string;
  problems: string[];
  ticks: { total: number; per_sec: number; dropped: number };
  orders: { sent: number; filled: number; rejected: number; per_sec: number; fill_rate: number };
  pnl: { realized: number; unrealized: number; fees: number; total: number };
  /** Over the window. */
  tick_to_order_us: DurationSummaryUs;
  venues: VenueSnapshot[];
  risk: { limit: string; ratio: number }[];
  breakers: Record<string, boolean>;
  workers: { name: string; alive: boolean; heartbeat_age_ms: number }[];
}

export interface DashboardSources {
  registry: Registry;
  metrics: PipelineMetrics;
  forecasts: ForecastTable;
  risk: RiskLimitsView;
  health: () => HealthReport;
  nowNs: () => number;
}

/** What a window needs from an earlier moment. */
interface Frame {
  tNs: number;
  ticks: number;
  orders: number;
  tickToOrder: DurationHistogram;
  venueAck: DurationHistogram[];
}

export class DashboardSnapshotter {
  private readonly frames: Frame[] = [];

  constructor(
    private readonly src: DashboardSources,
    private readonly windowNs = SNAPSHOT_WINDOW_NS,
  ) {
    // An empty first frame: until a window's worth of frames exists, figures cover the whole run.
    this.frames.push({
      tNs: src.nowNs(),
      ticks: 0,
      orders: 0,
      tickToOrder: new DurationHistogram(),
      venueAck: src.metrics.venueAck.map(() => new DurationHistogram()),
    });
  }

  snapshot(): DashboardSnapshot {
    const now = this.takeFrame();
    const base = this.frames[0];
    const dtS = (now.tNs - base.tNs) / 1e9;
    const c = (name: string) => this.src.metrics.counters.byName(name);
    const health = this.src.health().body;
    const sent = c('orders_sent');
    return {
      type: 'snapshot',
      uptime_s: round(health.uptime_s, 1),
      window_s: round(dtS, 2),
      status: health.status,
      trading_state: health.trading_state,
      problems: health.problems,
      ticks: {
        total: c('ticks_processed'),
        per_sec: perSec(now.ticks - base.ticks, dtS),
        dropped: c('ticks_conflated') + c('ticks_rejected'),
      },
      orders: {
        sent,
        filled: c('orders_filled'),
        rejected: c('orders_rejected_risk') + c('orders_rejected_venue'),
        per_sec: perSec(now.orders - base.orders, dtS),
        fill_rate: sent > 0 ? round(c('orders_filled') / sent, 4) : 0,
      },
      pnl: this.pnl(),
      tick_to_order_us: histogramDelta(now.tickToOrder, base.tickToOrder).summaryUs(),
      venues: this.venues(now, base, health.venues),
      risk: this.src.risk.utilization().map(([limit, ratio]) => ({ limit, ratio: round(ratio, 4) })),
      breakers: health.breakers,
      workers: health.workers.map((w) => ({
        name: w.name,
        alive: w.alive,
        heartbeat_age_ms: Math.round(w.heartbeatAgeMs),
      })),
    };
  }

  /** Records this moment and drops frames no longer needed to reach back one window. */
  private takeFrame(): Frame {
    const m = this.src.metrics;
    const frame: Frame = {
      tNs: this.src.nowNs(),
      ticks: m.counters.byName('ticks_processed'),
      orders: m.counters.byName('orders_sent'),
      tickToOrder: snapshotHistogram(m.hist.tick_to_order),
      venueAck: m.venueAck.map(snapshotHistogram),
    };
    this.frames.push(frame);
    while (this.frames.length > 2 && frame.tNs - this.frames[1].tNs >= this.windowNs) this.frames.shift();
    return frame;
  }

  private pnl(): DashboardSnapshot['pnl'] {
    const c = (name: string) => this.src.metrics.counters.byName(name);
    const realized = c('pnl_realized');
    const unrealized = c('pnl_unrealized');
    const fees = c('pnl_fees');
    const cents = (x: number) => round(x, 2);
    return {
      realized: cents(realized),
      unrealized: cents(unrealized),
      fees: cents(fees),
      total: cents(realized + unrealized - fees),
    };
  }

  private venues(
    now: Frame,
    base: Frame,
    flags: Record<string, { latency_spike: boolean; outage: boolean }>,
  ): VenueSnapshot[] {
    const { registry, forecasts } = this.src;
    const c = (name: string) => this.src.metrics.counters.byName(name);
    const routed = registry.venues.map((_, v) => c(`venue_${v}_routed`));
    const allRouted = routed.reduce((a, b) => a + b, 0);
    return registry.venues.map((name, v) => {
      const window = histogramDelta(now.venueAck[v], base.venueAck[v]);
      const sent = c(`venue_${v}_orders_sent`);
      return {
        name,
        routed_share: allRouted > 0 ? round(routed[v] / allRouted, 4) : 0,
        routed: routed[v],
        forecast_p50_us: usOrNull(forecasts.get(v, ForecastCol.p50Ns)),
        forecast_p99_us: usOrNull(forecasts.get(v, ForecastCol.p99Ns)),
        measured_p50_us: window.count > 0 ? usOrNull(window.quantileNs(0.5)) : null,
        forecast_error_us: round(c(`venue_${v}_forecast_error_ns`) / 1e3, 1),
        fill_ratio: sent > 0 ? round(c(`venue_${v}_orders_filled`) / sent, 4) : 0,
        latency_spike: flags[name]?.latency_spike ?? false,
        outage: flags[name]?.outage ?? false,
      };
    });
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function perSec(delta: number, dtS: number): number {
  return dtS > 0 ? round(delta / dtS, 1) : 0;
}

function usOrNull(ns: number): number | null {
  return Number.isFinite(ns) ? round(ns / 1e3, 1) : null;
}
