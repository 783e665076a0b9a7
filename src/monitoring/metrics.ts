/** The daemon's Prometheus registry (docs/contract.md metric names), fed from shared pipeline state. */

import { collectDefaultMetrics, Registry as PromRegistry } from 'prom-client';
import { STAGES } from '../config/config-types.js';
import type { Registry } from '../core/registry.js';
import {
  ORDER_STATUSES,
  type PipelineMetrics,
  RISK_REJECT_REASONS,
  TICK_REJECT_REASONS,
} from '../run-state/pipeline-metrics.js';
import type { RiskLimitsView } from '../run-state/run-state.js';
import type { BreakerWatch } from './breaker-watch.js';
import { type Labels, SnapshotHistogram, SnapshotMetric } from './metric-snapshot.js';

/**
 * prom-client's default gauges named like counters: `promtool check metrics` rejects them
 * ("non-counter metrics should not have _total suffix"). Each is the sum over the `type` label
 * of a default gauge that stays (`nodejs_active_handles{type}`, ...), so nothing is lost.
 */
const MISNAMED_DEFAULT_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export function createMetricsRegistry(
  registry: Registry,
  m: PipelineMetrics,
  state: RiskLimitsView,
  breakers: BreakerWatch,
): PromRegistry {
  const prom = new PromRegistry();
  collectDefaultMetrics({ register: prom });
  for (const name of MISNAMED_DEFAULT_GAUGES) prom.removeSingleMetric(name);
  const c = (name: string) => m.counters.byName(name);
  const perVenue = (value: (v: number) => number, extra: Labels = {}) =>
    registry.venues.map((venue, v) => ({ labels: { venue, ...extra }, value: value(v) }));
  const add = (metric: SnapshotMetric | SnapshotHistogram) => prom.registerMetric(metric as never);

  add(
    new SnapshotMetric('hft_ticks_total', 'Ticks accepted by ingest, by venue.', 'counter', () =>
      perVenue((v) => c(`venue_${v}_ticks`)),
    ),
  );
  add(
    new SnapshotMetric(
      'hft_ticks_dropped_total',
      'Ticks dropped (rejected by reason, or conflated).',
      'counter',
      () => [
        { labels: { reason: 'conflated' }, value: c('ticks_conflated') },
        ...TICK_REJECT_REASONS.map((r) => ({ labels: { reason: r }, value: c(`tick_reject_${r}`) })),
      ],
    ),
  );
  add(
    new SnapshotMetric('hft_orders_total', 'Orders by venue and status.', 'counter', () =>
      registry.venues.flatMap((venue, v) =>
        ORDER_STATUSES.map((status) => ({
          labels: { venue, status },
          value: c(`venue_${v}_orders_${status}`),
        })),
      ),
    ),
  );
  add(
    new SnapshotMetric(
      'hft_risk_rejections_total',
      'Orders refused by pre-trade risk, by reason.',
      'counter',
      () => RISK_REJECT_REASONS.map((reason) => ({ labels: { reason }, value: c(`risk_reject_${reason}`) })),
    ),
  );
  add(
    new SnapshotMetric('hft_fill_ratio', 'Filled orders / sent orders, by venue.', 'gauge', () =>
      perVenue((v) => ratio(c(`venue_${v}_orders_filled`), c(`venue_${v}_orders_sent`))),
    ),
  );
  add(
    new SnapshotMetric('hft_pnl', 'P&L in USD (realized, unrealized, fees, total).', 'gauge', () => {
      const realized = c('pnl_realized');
      const unrealized = c('pnl_unrealized');
      const fees = c('pnl_fees');
      return [
        { labels: { kind: 'realized' }, value: realized },
        { labels: { kind: 'unrealized' }, value: unrealized },
        { labels: { kind: 'fees' }, value: fees },
        { labels: { kind: 'total' }, value: realized + unrealized - fees },
      ];
    }),
  );
  add(
    new SnapshotMetric('hft_position', 'Position in shares, by symbol.', 'gauge', () =>
      registry.symbols.map((symbol, s) => ({ labels: { symbol }, value: c(`symbol_${s}_position`) })),
    ),
  );
  add(
    new SnapshotMetric('hft_risk_utilization_ratio', 'Use of each risk limit (0..1).', 'gauge', () =>
      state.utilization().map(([limit, value]) => ({ labels: { limit }, value })),
    ),
  );
  add(
    new SnapshotMetric('hft_circuit_breaker_open', '1 while a circuit breaker is tripped.', 'gauge', () => {
      const st = breakers.status();
      return [
        ...Object.entries(st.breakers).map(([breaker, open]) => ({
          labels: { breaker },
          value: open ? 1 : 0,
        })),
        ...Object.entries(st.venues).flatMap(([venue, f]) => [
          { labels: { breaker: 'venue_latency', venue }, value: f.latency_spike ? 1 : 0 },
          { labels: { breaker: 'venue_outage', venue }, value: f.outage ? 1 : 0 },
        ]),
      ];
    }),
  );
  add(
    new SnapshotMetric(
      'hft_latency_forecast_error_seconds',
      'Mean absolute error of the published p50 latency forecast against measured samples, by venue.',
      'gauge',
      () => perVenue((v) => c(`venue_${v}_forecast_error_ns`) / 1e9),
    ),
  );
  add(
    new SnapshotHistogram('hft_tick_to_order_seconds', 'Tick receive in ingest to order hand-off.', () => [
      { labels: {}, hist: m.hist.tick_to_order },
    ]),
  );
  add(
    new SnapshotHistogram('hft_order_to_ack_seconds', 'Order hand-off to venue ack, by venue.', () =>
      registry.venues.map((venue, v) => ({ labels: { venue }, hist: m.venueAck[v] })),
    ),
  );
  add(
    new SnapshotHistogram('hft_stage_seconds', 'Time in each stage, queueing included.', () =>
      STAGES.map((stage) => ({ labels: { stage }, hist: m.hist[`stage_${stage}`] })),
    ),
  );
  add(
    new SnapshotHistogram(
      'hft_inference_seconds',
      'Forecast refresh for all venues (ewma), a trained router decision in the route stage (routing_policy), and its routing-table refresh beside the order path (routing_table), by model.',
      () => [
        { labels: { model: 'ewma' }, hist: m.hist.predict_inference },
        { labels: { model: 'routing_policy' }, hist: m.hist.policy_decision },
        { labels: { model: 'routing_table' }, hist: m.hist.policy_inference },
      ],
    ),
  );
  return prom;
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}
