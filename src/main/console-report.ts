/** Human-readable progress lines and the end-of-run summary, printed to stdout. */
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import type { RunSummary } from '../run-state/run-summary.js';

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const usd = (x: number) => `${x < 0 ? '-' : ''}$${Math.abs(x).toFixed(2)}`;

export function progressLine(
  m: PipelineMetrics,
  elapsedS: number,
  lastTicks: number,
  intervalS: number,
): string {
  const c = (k: string) => m.counters.byName(k);
  const ticks = c('ticks_processed');
  const rate = intervalS > 0 ? (ticks - lastTicks) / intervalS : 0;
  const t2o = m.hist.tick_to_order;
  const pnl = c('pnl_realized') + c('pnl_unrealized') - c('pnl_fees');
  return (
    `[${elapsedS.toFixed(0).padStart(4)}s] ticks ${n0(ticks)} (${n0(rate)}/s)` +
    `  orders ${n0(c('orders_sent'))} sent, ${n0(c('orders_filled'))} filled, ${n0(c('orders_rejected_risk'))} risk-rejected` +
    `  tick-to-order p50 ${(t2o.quantileNs(0.5) / 1e3).toFixed(0)}us p99 ${(t2o.quantileNs(0.99) / 1e3).toFixed(0)}us` +
    `  pnl ${usd(pnl)}`
  );
}

export function summaryText(s: RunSummary, reportDir: string): string {
  const l = s.latency_us;
  const pct = (x: { p50: number; p95: number; p99: number; p999: number; max: number; count: number }) =>
    `p50 ${x.p50}  p95 ${x.p95}  p99 ${x.p99}  p99.9 ${x.p999}  max ${x.max}  (n=${n0(x.count)})`;
  const lines = [
    '',
    `hft-router run summary (${s.mode}, ${s.source}, ${s.pipeline} pipeline, ${s.duration_s}s)`,
    `  symbols ${s.symbols.join(', ')}   venues ${s.venues.join(', ')}`,
    `  ticks      ${n0(s.ticks.processed)} processed (${n0(s.ticks.per_sec)}/s), ${n0(s.ticks.conflated)} conflated, ${n0(s.ticks.rejected)} rejected`,
    `  orders     ${n0(s.orders.sent)} sent, ${n0(s.orders.acked)} acked, ${n0(s.orders.filled)} filled (fill rate ${(s.fill_rate * 100).toFixed(1)}%), ${n0(s.orders.rejected_risk)} risk-rejected, ${n0(s.orders.rejected_venue)} venue-rejected, ${n0(s.orders.dropped)} dropped`,
    `  latency us tick-to-order  ${pct(l.tick_to_order)}`,
    `             order-to-ack   ${pct(l.order_to_ack)}`,
    `             forecast       ${pct(l.predict_inference)}`,
    `  pnl        realized ${usd(s.pnl.realized)}  unrealized ${usd(s.pnl.unrealized)}  fees ${usd(s.pnl.fees)}  total ${usd(s.pnl.total)}`,
    `  routing    ${s.routing.policy}: ${Object.entries(s.routing.by_venue)
      .map(([v, k]) => `${v} ${n0(k)}`)
      .join(', ')}`,
    `  gc         ${s.gc.count} collections, longest pause ${s.gc.max_pause_ms} ms`,
    `  report     ${reportDir}/summary.json`,
    '',
  ];
  return lines.join('\n');
}
