/** Picks the backtest's order latency model from config and the latency samples in the data. */
import type { BacktestConfig, VenueConfig } from '../main/config-types.js';
import { LatencyKind, LatencySampleCodec } from '../shm/records.js';
import type { BacktestData } from './backtest-data.js';
import {
  ConstantOrderLatency,
  InterpolatedOrderLatency,
  type OrderLatency,
  type VenueLatencySeries,
} from './order-latency.js';

/** Each venue's measured order->ack round trips, in time order. */
export function orderAckSeries(data: BacktestData, venueCount: number): VenueLatencySeries[] {
  const ts: number[][] = Array.from({ length: venueCount }, () => []);
  const rtt: number[][] = Array.from({ length: venueCount }, () => []);
  const s = LatencySampleCodec.create();
  for (let i = 0; i < data.samples.length; i++) {
    data.samples.read(i, s);
    if (s.kind !== LatencyKind.orderAck || !(s.latencyNs > 0) || !Number.isFinite(s.latencyNs)) continue;
    if (s.venueId < 0 || s.venueId >= venueCount) continue;
    ts[s.venueId].push(s.tsNs);
    rtt[s.venueId].push(s.latencyNs);
  }
  return ts.map((t, v) => {
    const order = t.map((_, i) => i).sort((a, b) => t[a] - t[b] || a - b);
    return {
      tsNs: Float64Array.from(order, (i) => t[i]),
      roundTripNs: Float64Array.from(order, (i) => rtt[v][i]),
    };
  });
}

export function orderLatencyFor(
  cfg: BacktestConfig,
  venues: readonly VenueConfig[],
  data: BacktestData,
  venueCount: number,
): OrderLatency {
  const constant = new ConstantOrderLatency(
    venues.map((v) => v.latency.base_us * 1e3),
    cfg.latency_multiplier,
  );
  if (cfg.order_latency === 'constant') return constant;
  const series = orderAckSeries(data, venueCount);
  if (series.every((s) => s.tsNs.length === 0)) return constant;
  return new InterpolatedOrderLatency(series, constant, cfg.latency_multiplier);
}
