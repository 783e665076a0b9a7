/**
 * The counters and latency histograms the stages write and the main thread reads (metrics,
 * progress, summary.json). Names are fixed here; per-venue and per-symbol slots are expanded from
 * the registry so labels stay bounded.
 */
import type { RegistryData } from '../core/registry.js';
import {
  createDurationHistogram,
  DurationHistogram,
  type DurationHistogramHandle,
} from '../shm/duration-histogram.js';
import { createSharedCounters, SharedCounters, type SharedCountersHandle } from '../shm/shared-counters.js';

export const TICK_REJECT_REASONS = [
  'unknown_symbol',
  'unknown_venue',
  'bad_price',
  'crossed_quote',
  'bad_quantity',
  'out_of_order',
  'malformed',
  'oversized',
  'unknown_message',
  'missing_field',
  'bad_timestamp',
  /** A feed's error message (Finnhub `{"type":"error"}`): a frame that carried no market data. */
  'server_error',
  /** Ticks a socket feed overwrote because ingest did not poll in time (oldest first). */
  'queue_overflow',
] as const;
export type TickRejectReason = (typeof TICK_REJECT_REASONS)[number];

export const RISK_REJECT_REASONS = [
  'halted',
  'reducing_only',
  'bad_order',
  'max_order_size',
  'max_order_notional',
  'no_reference_price',
  'stale_quote',
  'price_band',
  'rate_limit',
  'max_open_orders',
  'max_position',
  'max_portfolio_value',
  /** The cluster's global portfolio budget: this daemon's allowance is used up (docs/cluster.md). */
  'cluster_budget',
  'duplicate_order',
  /** --cluster: the symbol's shard is held by another daemon (docs/cluster.md "Takeover"). */
  'shard_not_owned',
] as const;
export type RiskRejectReason = (typeof RISK_REJECT_REASONS)[number];

export const ORDER_STATUSES = ['sent', 'acked', 'filled', 'rejected', 'cancelled', 'expired'] as const;

export const HISTOGRAMS = [
  'tick_to_order',
  'order_to_ack',
  'predict_inference',
  'policy_decision',
  'policy_inference',
  'policy_table_age',
  'stage_ingest',
  'stage_predict',
  'stage_route',
  'stage_risk',
  'stage_execute',
] as const;
export type HistogramName = (typeof HISTOGRAMS)[number];

/** Per host thread: GCs, the longest pause, heap used and heap used outside the young generation (gc-monitor.ts). */
export const WORKER_GAUGES = [
  'gc_count',
  'gc_max_pause_ms',
  'heap_used_bytes',
  'heap_retained_bytes',
] as const;

export function counterNames(registry: RegistryData, hostNames: readonly string[]): string[] {
  const names = [
    'ticks_received',
    'ticks_processed',
    'ticks_conflated',
    'ticks_rejected',
    'ticks_routed',
    'latency_samples',
    'forecast_refreshes',
    'policy_table_refreshes',
    'policy_table_decisions',
    'policy_table_fallbacks',
    'orders_intended',
    'orders_dropped',
    'orders_sent',
    'orders_acked',
    'orders_filled',
    'orders_rejected_risk',
    'orders_rejected_venue',
    'orders_cancelled',
    'orders_expired',
    'fills',
    'filled_qty',
    'risk_checks',
    'breaker_trips',
    'order_anomalies',
    'feed_messages',
    'feed_trades',
    'feed_reconnects',
    'record_dropped',
    'replay_resume_offset',
    'replay_truncated_bytes',
    'venue_breaker_trips',
    'orders_ack_timeouts',
    'reports_duplicate',
    'last_client_order_id',
    'last_exec_id',
    'worker_restarts',
    'venue_outage_trips',
    'venue_disconnects',
    'venue_reconnects',
    'open_orders',
    'journal_records',
    'kill_switch_cancels',
    'pnl_realized',
    'pnl_unrealized',
    'pnl_fees',
    'gross_notional',
    // The cluster's global portfolio budget (--cluster): main writes the allowance this daemon
    // holds and switches the check on; risk writes its exposure (positions and open orders, USD)
    // and the highest exposure it ever approved.
    'cluster_budget_on',
    'cluster_notional_granted',
    'exposure_usd',
    'exposure_max_usd',
  ];
  for (const r of TICK_REJECT_REASONS) names.push(`tick_reject_${r}`);
  for (const r of RISK_REJECT_REASONS) names.push(`risk_reject_${r}`);
  registry.venues.forEach((_, v) => {
    names.push(`venue_${v}_ticks`, `venue_${v}_routed`);
    // Written by predict: mean |forecast p50 - measured| (ns) and how many samples were scored.
    names.push(`venue_${v}_forecast_error_ns`, `venue_${v}_forecast_errors`);
    for (const s of ORDER_STATUSES) names.push(`venue_${v}_orders_${s}`);
  });
  registry.symbols.forEach((_, s) => {
    // standby: 1 while another cluster daemon owns the symbol's shard (main writes, risk reads).
    names.push(`symbol_${s}_position`, `symbol_${s}_standby`);
  });
  for (const h of hostNames) for (const g of WORKER_GAUGES) names.push(`host_${h}_${g}`);
  return names;
}

export interface PipelineMetricsHandle {
  readonly counters: SharedCountersHandle;
  readonly histograms: Record<HistogramName, DurationHistogramHandle>;
  /** order_to_ack per venue. */
  readonly venueAckHistograms: DurationHistogramHandle[];
}

export function createPipelineMetrics(
  registry: RegistryData,
  hostNames: readonly string[],
): PipelineMetricsHandle {
  const histograms = {} as Record<HistogramName, DurationHistogramHandle>;
  for (const h of HISTOGRAMS) histograms[h] = createDurationHistogram();
  return {
    counters: createSharedCounters(counterNames(registry, hostNames)),
    histograms,
    venueAckHistograms: registry.venues.map(() => createDurationHistogram()),
  };
}

/** A thread's view of the pipeline metrics: counter slots resolved once, histograms attached. */
export class PipelineMetrics {
  readonly counters: SharedCounters;
  readonly hist: Record<HistogramName, DurationHistogram>;
  readonly venueAck: DurationHistogram[];

  constructor(readonly handle: PipelineMetricsHandle) {
    this.counters = new SharedCounters(handle.counters);
    this.hist = {} as Record<HistogramName, DurationHistogram>;
    for (const h of HISTOGRAMS) this.hist[h] = new DurationHistogram(handle.histograms[h]);
    this.venueAck = handle.venueAckHistograms.map((h) => new DurationHistogram(h));
  }

  slot(name: string): number {
    return this.counters.slot(name);
  }

  /** Slots `prefix{i}suffix` for i in [0, n): per-venue or per-symbol arrays of counters. */
  slots(n: number, name: (i: number) => string): Int32Array {
    return Int32Array.from({ length: n }, (_, i) => this.counters.slot(name(i)));
  }
}
