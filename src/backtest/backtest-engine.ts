/**
 * The backtester (docs/architecture.md principle 1): the live stage nodes, all on this thread as in the
 * inline topology, over the same rings, but with a simulated clock that jumps from one event to
 * the next, the recording as the market feed and BacktestExchange as the venues. Nothing reads the
 * wall clock, so the same data, config and seed give the same result bit for bit.
 */
import { basename, dirname } from 'node:path';
import type { HftConfig } from '../config/config-types.js';
import { ManualClock } from '../core/clock.js';
import { Registry } from '../core/registry.js';
import { ForecastTable } from '../ml/forecast-table.js';
import { servedLatencyModelPath } from '../ml/latency/latency-model-files.js';
import { buildHost } from '../pipeline/build-nodes.js';
import { createPipelineHandles, settingsFromConfig } from '../pipeline/pipeline-handles.js';
import { isPolicyRouterName, loadPolicy } from '../routing/create-policy-router.js';
import { ControlBlock } from '../run-state/control-block.js';
import { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import { buildSummary, type RunSummary } from '../run-state/run-summary.js';
import { SpscRing } from '../shm/spsc-ring.js';
import { feeModelFor } from '../venues/models/fee-model.js';
import { createQueueModel } from '../venues/models/queue-model.js';
import type { BacktestData } from './backtest-data.js';
import { BacktestExchange } from './backtest-exchange.js';
import type { BacktestResult, BacktestSummary } from './backtest-result.js';
import { summarizeBacktest } from './backtest-summary.js';
import { DecisionComparison } from './decision-comparison.js';
import { EquitySampler } from './equity-sampler.js';
import { runEventLoop } from './event-loop.js';
import { ExchangeMarket } from './exchange-market.js';
import { ExecutionLedger } from './execution-ledger.js';
import { decisionLatencyFor, orderLatencyFor } from './latency-from-data.js';
import { replayLivePolicy } from './live-policy-replay.js';
import { TableFeed } from './table-feed.js';

export class BacktestInputError extends Error {}

/** Points on the equity curve over the whole run. */
const EQUITY_POINTS = 500;

/** The run's venue configs in the data's venue order; every venue of the data must be configured. */
function venueConfigs(cfg: HftConfig, venues: readonly string[]): HftConfig['market']['venues'] {
  return venues.map((name) => {
    const v = cfg.market.venues.find((c) => c.name === name);
    if (v === undefined) {
      const known = cfg.market.venues.map((c) => c.name).join(', ');
      throw new BacktestInputError(`the data's venue ${name} is not in market.venues (${known})`);
    }
    return v;
  });
}

export interface BacktestRun {
  readonly result: BacktestResult;
  /** summary.json of `hft backtest`: the run summary on simulated time, `backtest` filled in. */
  readonly summary: RunSummary<BacktestSummary>;
  /** Records replayed (ticks + latency samples), for events/s. */
  readonly events: number;
}

export function runBacktest(cfg: HftConfig, data: BacktestData): BacktestRun {
  if (data.ticks.length === 0) throw new BacktestInputError(`${data.origin}: no ticks to backtest`);
  const registry = new Registry(data.registry);
  const venues = venueConfigs(cfg, registry.venues);
  const runCfg: HftConfig = {
    ...cfg,
    trading: { ...cfg.trading, symbols: [...registry.symbols] },
    market: { ...cfg.market, venues, source: 'sim' },
    system: { ...cfg.system, pipeline: 'inline' },
  };
  // Predict serves the latency model the live daemon serves (HFT_LATENCY_MODEL); no keep-warm
  // inferences on simulated time: they would only cost wall time.
  const settings = {
    ...settingsFromConfig(runCfg),
    journal: false,
    record: false,
    inferenceWarmNs: 0,
    latencyModelPath: servedLatencyModelPath(process.env),
    wallOffsetNs: data.wallOffsetNs,
  };
  const handles = createPipelineHandles(registry.toData(), settings, 0n);
  const feed = new TableFeed(data);
  const clock = new ManualClock(feed.firstTsNs);
  const fees = feeModelFor(venues, cfg.backtest.maker_fee_bps);
  const decision = decisionLatencyFor(cfg.backtest, data);
  const ledger = new ExecutionLedger(
    registry.venueCount,
    registry.symbolCount,
    new ForecastTable(handles.forecasts),
    fees.takerBps,
    decision,
  );
  const latency = orderLatencyFor(cfg.backtest, venues, data, registry.venueCount);
  const exchange = new BacktestExchange({
    market: new ExchangeMarket(data, registry.venueCount, registry.symbolCount),
    latency,
    queue: createQueueModel(cfg.backtest.queue_model, cfg.backtest.queue_power),
    fees,
    hindsight: ledger,
    // Slots outlive their order's final report only until the hindsight probes return.
    capacity: 4 * cfg.risk.max_open_orders + 1024,
  });
  ledger.attach(exchange);
  const comparison = new DecisionComparison(data);
  ledger.onSent = (order) => comparison.onSent(order);
  const control = new ControlBlock(handles.control);
  control.go();
  const metrics = new PipelineMetrics(handles.metrics);
  const spanNs = Math.max(feed.lastTsNs - feed.firstTsNs, 1);
  const sampler = new EquitySampler(metrics, feed.firstTsNs, spanNs / EQUITY_POINTS);
  // A trained router's policy is the one trained for the data's venues, in the data's order.
  const policy = isPolicyRouterName(settings.router)
    ? loadPolicy(settings.router, registry.venues)
    : undefined;
  let policyInputs: string | null = null;
  try {
    const host = buildHost(handles, 0, clock, { source: feed, gateway: ledger, policy });
    // With the live policy's input log, the live decisions are replayed (live-policy-replay.ts).
    const replay = policy && replayLivePolicy(data, handles, host.nodes, policy, clock, metrics);
    policyInputs = replay ? `recorded (${replay.polls} refreshes)` : 'simulated';
    runEventLoop({
      nodes: host.nodes,
      rings: Object.values(handles.rings).map((r) => new SpscRing(r)),
      orders: new SpscRing(handles.rings.orders),
      clock,
      sampler,
      finished: () => feed.nextDueNs() === Number.POSITIVE_INFINITY && exchange.inFlight === 0,
      endNs: feed.lastTsNs + cfg.backtest.drain_s * 1e9,
    });
    for (const node of host.nodes) node.close();
  } finally {
    policy?.release();
  }
  sampler.sample(clock.nowNs());
  const result = summarizeBacktest({
    cfg: runCfg,
    registry,
    data,
    metrics,
    ledger,
    sampler,
    quotesHandle: handles.quotes,
    latencyName: latency.name,
    decisionName: decision === null ? 'none' : `recorded (${decision.samples} orders)`,
    forecastName:
      settings.latencyModelPath === null
        ? 'EWMA'
        : `ONNX ${basename(dirname(settings.latencyModelPath))}/${basename(settings.latencyModelPath)}`,
    policyName: policy === undefined ? null : basename(policy.source),
    simSeconds: spanNs / 1e9,
  });
  if (policyInputs !== null) result.summary.models.policy_inputs = policyInputs;
  if (comparison.hasLive) result.summary.decisions = comparison.agreement();
  const summaryCfg = { ...runCfg, market: { ...runCfg.market, source: `replay:${data.origin}` } };
  const summary = {
    ...buildSummary(summaryCfg, registry, metrics, [], spanNs / 1e9),
    backtest: result.summary,
  };
  return { result, summary, events: feed.delivered + data.samples.length };
}
