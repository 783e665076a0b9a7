/** summary.json in the docs/contract.md format, from the run's shared counters and histograms. */
import type { HftConfig } from '../config/config-types.js';
import type { Registry } from '../core/registry.js';
import type { DurationSummaryUs } from '../shm/duration-histogram.js';
import type { PipelineMetrics } from './pipeline-metrics.js';

/** The `orders` block every summary shares (a run's and a backtest's). */
export interface OrderCounts {
  sent: number;
  acked: number;
  filled: number;
  rejected_risk: number;
  rejected_venue: number;
  cancelled: number;
  expired: number;
}

/** The order counters of a run or a backtest, by their summary names. */
export function orderCounts(m: PipelineMetrics): OrderCounts {
  const c = (name: string) => m.counters.byName(name);
  return {
    sent: c('orders_sent'),
    acked: c('orders_acked'),
    filled: c('orders_filled'),
    rejected_risk: c('orders_rejected_risk'),
    rejected_venue: c('orders_rejected_venue'),
    cancelled: c('orders_cancelled'),
    expired: c('orders_expired'),
  };
}

/** summary.json (docs/contract.md); `Backtest` is the backtest section's type (src/backtest/backtest-result.ts). */
export interface RunSummary<Backtest = object> {
  mode: string;
  source: string;
  duration_s: number;
  symbols: string[];
  venues: string[];
  pipeline: string;
  ticks: { received: number; processed: number; conflated: number; rejected: number; per_sec: number };
  latency_us: {
    tick_to_order: DurationSummaryUs;
    order_to_ack: DurationSummaryUs;
    predict_inference: DurationSummaryUs;
    /** A trained router's decision in the route stage: routing-table read -> order emitted (dqn, ppo only). */
    policy_decision: DurationSummaryUs;
    /** The trained policy's batched inference refreshing the routing table, beside the order path. */
    policy_inference: DurationSummaryUs;
    /** How old the routing-table decision an order used was. */
    policy_table_age: DurationSummaryUs;
    stages: Record<string, DurationSummaryUs>;
    order_to_ack_by_venue: Record<string, DurationSummaryUs>;
  };
  orders: OrderCounts & {
    dropped: number;
    /** Orders whose ack was later than risk.ack_timeout_ms (they stay open until answered). */
    ack_timeouts: number;
    /** Approved orders not yet filled, expired, rejected or cancelled when the run ended. */
    open: number;
  };
  /** Venue breaker openings and venue sessions lost and re-established (socket venues). */
  venue_faults: {
    outage_trips: number;
    latency_spike_trips: number;
    disconnects: number;
    reconnects: number;
  };
  fill_rate: number;
  pnl: { realized: number; unrealized: number; fees: number; total: number };
  positions: Record<string, number>;
  risk: { breaker_trips: number; checks: number; rejections: Record<string, number> };
  routing: {
    policy: string;
    by_venue: Record<string, number>;
    /** A trained router's orders: split from its routing table, or routed by the fallback (no fresh decision). */
    table: { refreshes: number; decided: number; fallback: number };
  };
  gc: { count: number; max_pause_ms: number; by_thread: Record<string, number> };
  backtest: Backtest | null;
}

const cents = (x: number) => Math.round(x * 100) / 100;

export function buildSummary(
  cfg: HftConfig,
  registry: Registry,
  m: PipelineMetrics,
  hostNames: readonly string[],
  elapsedS: number,
): RunSummary {
  const c = (name: string) => m.counters.byName(name);
  const byVenue = (f: (v: number) => number) =>
    Object.fromEntries(registry.venues.map((name, v) => [name, f(v)]));
  const realized = cents(c('pnl_realized'));
  const unrealized = cents(c('pnl_unrealized'));
  const fees = cents(c('pnl_fees'));
  const sent = c('orders_sent');
  const rejections = Object.fromEntries(
    m.counters.handle.names.filter((n) => n.startsWith('risk_reject_')).map((n) => [n.slice(12), c(n)]),
  );
  return {
    mode: cfg.system.mode,
    source: cfg.market.source,
    duration_s: Math.round(elapsedS * 1000) / 1000,
    symbols: [...registry.symbols],
    venues: [...registry.venues],
    pipeline: cfg.system.pipeline,
    ticks: {
      received: c('ticks_received'),
      processed: c('ticks_processed'),
      conflated: c('ticks_conflated'),
      rejected: c('ticks_rejected'),
      per_sec: elapsedS > 0 ? Math.round(c('ticks_processed') / elapsedS) : 0,
    },
    latency_us: {
      tick_to_order: m.hist.tick_to_order.summaryUs(),
      order_to_ack: m.hist.order_to_ack.summaryUs(),
      predict_inference: m.hist.predict_inference.summaryUs(),
      policy_decision: m.hist.policy_decision.summaryUs(),
      policy_inference: m.hist.policy_inference.summaryUs(),
      policy_table_age: m.hist.policy_table_age.summaryUs(),
      stages: {
        ingest: m.hist.stage_ingest.summaryUs(),
        predict: m.hist.stage_predict.summaryUs(),
        route: m.hist.stage_route.summaryUs(),
        risk: m.hist.stage_risk.summaryUs(),
        execute: m.hist.stage_execute.summaryUs(),
      },
      order_to_ack_by_venue: Object.fromEntries(
        registry.venues.map((name, v) => [name, m.venueAck[v].summaryUs()]),
      ),
    },
    orders: {
      ...orderCounts(m),
      dropped: c('orders_dropped'),
      ack_timeouts: c('orders_ack_timeouts'),
      open: c('open_orders'),
    },
    venue_faults: {
      outage_trips: c('venue_outage_trips'),
      latency_spike_trips: c('venue_breaker_trips'),
      disconnects: c('venue_disconnects'),
      reconnects: c('venue_reconnects'),
    },
    fill_rate: sent > 0 ? Math.round((c('orders_filled') / sent) * 1e4) / 1e4 : 0,
    pnl: { realized, unrealized, fees, total: cents(realized + unrealized - fees) },
    positions: Object.fromEntries(registry.symbols.map((s, i) => [s, c(`symbol_${i}_position`)])),
    risk: { breaker_trips: c('breaker_trips'), checks: c('risk_checks'), rejections },
    routing: {
      policy: cfg.routing.router,
      by_venue: byVenue((v) => c(`venue_${v}_routed`)),
      table: {
        refreshes: c('policy_table_refreshes'),
        decided: c('policy_table_decisions'),
        fallback: c('policy_table_fallbacks'),
      },
    },
    gc: {
      count: hostNames.reduce((a, h) => a + c(`host_${h}_gc_count`), 0),
      max_pause_ms: cents(Math.max(0, ...hostNames.map((h) => c(`host_${h}_gc_max_pause_ms`)))),
      by_thread: Object.fromEntries(hostNames.map((h) => [h, c(`host_${h}_gc_count`)])),
    },
    backtest: null,
  };
}
