/** Picks the backtest's order latency model from config and the latency samples in the data. */
import type { BacktestConfig, VenueConfig } from '../config/config-types.js';
import { LatencyKind, LatencySampleCodec } from '../shm/records.js';
import type { LegLatency } from '../venues/models/leg-latency.js';
import type { BacktestData } from './backtest-data.js';
import {
  ConstantOrderLatency,
  InterpolatedOrderLatency,
  RecordedDecisionLatency,
  type VenueLatencySeries,
} from './order-latency.js';

/** Each venue's measured latencies of one kind, in time order. */
export function latencySeries(data: BacktestData, venueCount: number, kind: number): VenueLatencySeries[] {
  const ts: number[][] = Array.from({ length: venueCount }, () => []);
  const rtt: number[][] = Array.from({ length: venueCount }, () => []);
  const s = LatencySampleCodec.create();
  for (let i = 0; i < data.samples.length; i++) {
    data.samples.read(i, s);
    if (s.kind !== kind || !(s.latencyNs >= 0) || !Number.isFinite(s.latencyNs)) continue;
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

/** The recorded decision times of all venues merged in time order; null when not wanted or none. */
export function decisionLatencyFor(cfg: BacktestConfig, data: BacktestData): RecordedDecisionLatency | null {
  if (cfg.decision_latency === 'none') return null;
  const pairs: [number, number][] = [];
  const s = LatencySampleCodec.create();
  for (let i = 0; i < data.samples.length; i++) {
    data.samples.read(i, s);
    if (s.kind === LatencyKind.decision && s.latencyNs >= 0 && Number.isFinite(s.latencyNs))
      pairs.push([s.tsNs, s.latencyNs]);
  }
  if (pairs.length === 0) return null;
  pairs.sort((a, b) => a[0] - b[0]);
  return new RecordedDecisionLatency({
    tsNs: Float64Array.from(pairs, (p) => p[0]),
    roundTripNs: Float64Array.from(pairs, (p) => p[1]),
  });
}

export function orderLatencyFor(
  cfg: BacktestConfig,
  venues: readonly VenueConfig[],
  data: BacktestData,
  venueCount: number,
): LegLatency {
  const constant = new ConstantOrderLatency(
    venues.map((v) => v.latency.base_us * 1e3),
    cfg.latency_multiplier,
  );
  if (cfg.order_latency === 'constant') return constant;
  const series = latencySeries(data, venueCount, LatencyKind.orderAck);
  if (series.every((s) => s.tsNs.length === 0)) return constant;
  return new InterpolatedOrderLatency(series, constant, cfg.latency_multiplier);
}
