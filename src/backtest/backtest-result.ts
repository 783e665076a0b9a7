/**
 * What a backtest produces: the `backtest` section of summary.json (BacktestSummary, compact and
 * byte-for-byte deterministic) and the series report.html draws (BacktestSeries).
 */
import type { OrderCounts } from '../run-state/run-summary.js';

import type { DecisionAgreement } from './decision-comparison.js';

export interface Quantiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface VenueOutcome {
  sent: number;
  /** Orders filled completely. */
  filled: number;
  fill_rate: number;
  filled_qty: number;
  /** USD traded: sum of fill quantity x price. */
  filled_notional: number;
  fees: number;
  /** Cash from this venue's fills plus its inventory marked to the final cross-venue mid, minus fees. */
  pnl: number;
  /** Order -> ack round trips the backtest's latency model produced, microseconds. */
  ack_us: Quantiles;
  /** The predict stage's p50 forecast for this venue when an order was routed to it, microseconds. */
  predicted_us: Quantiles;
  /** IOC orders for which this venue was the best in hindsight. */
  hindsight_best: number;
}

export interface BacktestSummary {
  data: string;
  /** Simulated seconds covered and records replayed (ticks and latency samples). */
  sim_seconds: number;
  events: number;
  models: {
    order_latency: string;
    latency_multiplier: number;
    /** Our own tick -> order time added to each order: recorded, or none. */
    decision_latency: string;
    queue: string;
    feed_latency: string;
    /** What predict served: `EWMA`, or `ONNX <dir>/<file>` of the latency model. */
    latency_forecast: string;
    /** The trained routing policy's model directory (dqn, ppo routers), else absent. */
    policy?: string;
    /**
     * dqn, ppo: `recorded (N refreshes)` when the live policy's inputs were replayed from the
     * recording's record.hftpol, `simulated` when the policy decided on the backtest's own.
     */
    policy_inputs?: string;
  };
  /** Live vs backtest routing per tick that caused orders, when the recording holds the live decisions. */
  decisions?: DecisionAgreement;
  router: string;
  strategy: string;
  orders: OrderCounts;
  fill_rate: number;
  /** USD traded over all venues. */
  filled_notional: number;
  pnl: { realized: number; unrealized: number; fees: number; total: number };
  max_drawdown: number;
  by_venue: Record<string, VenueOutcome>;
  by_symbol: Record<string, { pnl: number; position: number; filled_qty: number }>;
  routing: {
    /** IOC orders whose hindsight-best venue is known. */
    decisions: number;
    matched_hindsight: number;
    match_rate: number;
    /** Mean cost of the venue chosen vs the hindsight-best one, basis points (>= 0). */
    regret_bps: number;
  };
  risk: { checks: number; breaker_trips: number; rejections: Record<string, number> };
}

/** Time series and distributions for the report; times are seconds from the first tick. */
export interface BacktestSeries {
  t: number[];
  pnl: number[];
  drawdown: number[];
  /** Risk rejections and orders sent within each interval. */
  risk_rejections: number[];
  orders_sent: number[];
  /** Per venue: every ack round trip and the forecast made for it, microseconds. */
  ack_us: Record<string, number[]>;
  predicted_us: Record<string, number[]>;
  /** Per venue: orders routed there, and orders for which it was best in hindsight. */
  routed: Record<string, number>;
  hindsight_best: Record<string, number>;
}

export interface BacktestResult {
  summary: BacktestSummary;
  series: BacktestSeries;
}
