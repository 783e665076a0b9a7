/** Turns a finished backtest's counters, ledger and samples into its summary and report series. */

import type { HftConfig } from '../config/config-types.js';
import type { Registry } from '../core/registry.js';
import { QuoteTable } from '../market/quote-table.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import { orderCounts } from '../run-state/run-summary.js';
import type { SeqlockTableHandle } from '../shm/seqlock-table.js';
import type { BacktestData } from './backtest-data.js';
import type {
  BacktestResult,
  BacktestSeries,
  BacktestSummary,
  Quantiles,
  VenueOutcome,
} from './backtest-result.js';
import type { EquitySampler } from './equity-sampler.js';
import type { ExecutionLedger } from './execution-ledger.js';

export interface SummaryInputs {
  cfg: HftConfig;
  registry: Registry;
  data: BacktestData;
  metrics: PipelineMetrics;
  ledger: ExecutionLedger;
  sampler: EquitySampler;
  quotesHandle: SeqlockTableHandle;
  latencyName: string;
  decisionName: string;
  /** `EWMA`, or `ONNX <dir>/<file>` of the latency model predict served. */
  forecastName: string;
  /** Directory name of the trained policy that routed, if one did. */
  policyName: string | null;
  simSeconds: number;
}

/** Rounds to 6 decimals: exact for cents and microseconds, free of float noise in the JSON. */
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const ratio = (a: number, b: number) => (b > 0 ? r6(a / b) : 0);

export function quantiles(values: readonly number[]): Quantiles {
  if (values.length === 0) return { count: 0, p50: 0, p90: 0, p99: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => r6(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

/** The cross-venue mid per symbol at the end (0 where never quoted). */
function finalMarks(handle: SeqlockTableHandle, registry: Registry): Float64Array {
  const quotes = new QuoteTable(handle, registry.venueCount);
  return Float64Array.from(registry.symbols, (_, s) => {
    const mid = quotes.referenceMid(s);
    return Number.isNaN(mid) ? 0 : mid;
  });
}

function venueOutcomes(x: SummaryInputs, marks: Float64Array): Record<string, VenueOutcome> {
  return Object.fromEntries(
    x.registry.venues.map((name, v) => {
      const t = x.ledger.venues[v];
      const outcome: VenueOutcome = {
        sent: t.sent,
        filled: t.filled,
        fill_rate: ratio(t.filled, t.sent),
        filled_qty: t.filledQty,
        filled_notional: r6(t.notional),
        fees: r6(t.fees),
        pnl: r6(x.ledger.venuePnl(v, marks)),
        ack_us: quantiles(t.ackUs),
        predicted_us: quantiles(t.predictedUs),
        hindsight_best: t.hindsightBest,
      };
      return [name, outcome];
    }),
  );
}

function symbolOutcomes(x: SummaryInputs, marks: Float64Array): BacktestSummary['by_symbol'] {
  return Object.fromEntries(
    x.registry.symbols.map((name, s) => {
      let pnl = 0;
      let position = 0;
      let filledQty = 0;
      for (const t of x.ledger.venues) {
        pnl += t.cash[s] + t.position[s] * marks[s] - t.symbolFees[s];
        position += t.position[s];
      }
      for (const t of x.ledger.venues) filledQty += t.symbolQty[s];
      return [name, { pnl: r6(pnl), position, filled_qty: filledQty }];
    }),
  );
}

function series(x: SummaryInputs): BacktestSeries {
  const perVenue = <T>(f: (v: number) => T) => Object.fromEntries(x.registry.venues.map((n, v) => [n, f(v)]));
  const s = x.sampler;
  return {
    t: s.t.map(r6),
    pnl: s.pnl.map(r6),
    drawdown: s.drawdown.map(r6),
    risk_rejections: s.riskRejections,
    orders_sent: s.ordersSent,
    ack_us: perVenue((v) => x.ledger.venues[v].ackUs.map(r6)),
    predicted_us: perVenue((v) => x.ledger.venues[v].predictedUs.map(r6)),
    routed: perVenue((v) => x.ledger.venues[v].sent),
    hindsight_best: perVenue((v) => x.ledger.venues[v].hindsightBest),
  };
}

export function summarizeBacktest(x: SummaryInputs): BacktestResult {
  const c = (name: string) => x.metrics.counters.byName(name);
  const marks = finalMarks(x.quotesHandle, x.registry);
  const realized = c('pnl_realized');
  const unrealized = c('pnl_unrealized');
  const fees = c('pnl_fees');
  const sent = c('orders_sent');
  const l = x.ledger;
  const b = x.cfg.backtest;
  const rejections = Object.fromEntries(
    x.metrics.counters.handle.names
      .filter((n) => n.startsWith('risk_reject_') && c(n) > 0)
      .map((n) => [n.slice('risk_reject_'.length), c(n)]),
  );
  const summary: BacktestSummary = {
    data: x.data.origin,
    sim_seconds: r6(x.simSeconds),
    events: x.data.ticks.length + x.data.samples.length,
    models: {
      order_latency: x.latencyName,
      latency_multiplier: b.latency_multiplier,
      decision_latency: x.decisionName,
      queue: b.queue_model === 'probabilistic' ? `probabilistic (power ${b.queue_power})` : b.queue_model,
      feed_latency: 'recorded: exchange stamp -> receive stamp of every tick',
      latency_forecast: x.forecastName,
      ...(x.policyName === null ? {} : { policy: x.policyName }),
    },
    router: x.cfg.routing.router,
    strategy: x.cfg.trading.strategy.name,
    orders: orderCounts(x.metrics),
    fill_rate: ratio(c('orders_filled'), sent),
    filled_notional: r6(l.venues.reduce((a, v) => a + v.notional, 0)),
    pnl: {
      realized: r6(realized),
      unrealized: r6(unrealized),
      fees: r6(fees),
      total: r6(realized + unrealized - fees),
    },
    max_drawdown: r6(x.sampler.maxDrawdown),
    by_venue: venueOutcomes(x, marks),
    by_symbol: symbolOutcomes(x, marks),
    routing: {
      decisions: l.decisions,
      matched_hindsight: l.matched,
      match_rate: ratio(l.matched, l.decisions),
      regret_bps: l.regretSamples > 0 ? r6(l.regretBps / l.regretSamples) : 0,
    },
    risk: { checks: c('risk_checks'), breaker_trips: c('breaker_trips'), rejections },
  };
  return { summary, series: series(x) };
}
