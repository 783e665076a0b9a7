/**
 * Builds the stages a host runs and binds them to the shared rings and tables. Runs inside the
 * hosting thread (worker or inline), so every object here is thread-local.
 */
import { AdoptionMailbox } from '../cluster/adoption-mailbox.js';
import type { StageName } from '../config/config-types.js';
import type { Clock } from '../core/clock.js';
import { createLogger, type LogLevel } from '../core/logger.js';
import { Random } from '../core/random.js';
import { Registry } from '../core/registry.js';
import { ExecutionStage } from '../execution/execution-stage.js';
import { riskLimitsFromConfig } from '../execution/risk-limits.js';
import { RiskStage } from '../execution/risk-stage.js';
import { SimVenueGateway } from '../execution/sim-venue-gateway.js';
import type { VenueGateway } from '../execution/venue-gateway.js';
import { WsVenueGateway } from '../execution/ws-venue-gateway.js';
import { AnchoredSimSource } from '../market/anchored-sim-source.js';
import { BurstSource } from '../market/burst-source.js';
import { FinnhubSource } from '../market/finnhub/finnhub-source.js';
import { IngestStage } from '../market/ingest-stage.js';
import { createVenueLatencyModel } from '../market/latency/create-venue-latency-model.js';
import type { MarketSource } from '../market/market-source.js';
import { QuoteTable } from '../market/quote-table.js';
import { ReplaySource } from '../market/recording/replay-source.js';
import { SimMarket } from '../market/sim-market.js';
import { TickConflator } from '../market/tick-conflator.js';
import { VenueFeedSource } from '../market/venue-feed-source.js';
import { createForecaster } from '../ml/create-forecaster.js';
import { ForecastTable } from '../ml/forecast-table.js';
import { PredictStage } from '../ml/predict-stage.js';
import type { OnnxPolicy } from '../ml/rl/onnx-policy.js';
import { BestPriceRouter } from '../routing/best-price-router.js';
import { createRouter } from '../routing/create-router.js';
import { RouteStage } from '../routing/route-stage.js';
import { RoutingTable } from '../routing/routing-table.js';
import { POLICY_MAX_AGE_NS, TablePolicyRouter } from '../routing/table-policy-router.js';
import { ControlBlock } from '../run-state/control-block.js';
import { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import { Doorbell } from '../shm/doorbell.js';
import { SpscRing } from '../shm/spsc-ring.js';
import { createStrategy } from '../strategies/create-strategy.js';
import { feeModelFor } from '../venues/models/fee-model.js';
import { ExecuteNode } from './execute-node.js';
import { IngestNode, PACED_BATCH } from './ingest-node.js';
import type { PipelineHandles } from './pipeline-handles.js';
import { createPolicyTableNode, type PolicyTableNode } from './policy-table-node.js';
import { PredictNode } from './predict-node.js';
import { RiskNode } from './risk-node.js';
import { RouteNode } from './route-node.js';
import { BATCH, type StageNode } from './stage-node.js';
import { hostOf, RING_CONSUMERS, type RingName, WAKING_RINGS } from './topology.js';

/** Parts a backtest supplies instead of the live ones: its data feed and its simulated venues. */
export interface HostOverrides {
  readonly source?: MarketSource;
  readonly gateway?: VenueGateway;
  /**
   * The trained routing policy when the router is dqn or ppo, for the host that runs predict
   * (loaded by run-host or the backtester): it fills the routing table beside the order path.
   */
  readonly policy?: OnnxPolicy;
}

export interface HostContext {
  readonly registry: Registry;
  readonly metrics: PipelineMetrics;
  readonly control: ControlBlock;
  readonly bell: Doorbell;
  readonly nodes: StageNode[];
}

/** Attaches ring `name`; a ring on the order path rings the doorbell of the host that consumes it. */
function attachRing(h: PipelineHandles, name: RingName): SpscRing {
  const ring = new SpscRing(h.rings[name]);
  if (!WAKING_RINGS.has(name)) return ring;
  return ring.wakes(new Doorbell(h.bells[hostOf(h.hosts, RING_CONSUMERS[name])]));
}

/** Per-venue URLs of the venue servers: `${base}/${venue}`, by venue id. */
function venueUrls(baseUrl: string, registry: Registry): string[] {
  return registry.venues.map((v) => `${baseUrl}/${encodeURIComponent(v)}`);
}

/**
 * The simulated market, a recording played back (its latency samples are not replayed live), the
 * venue servers' quote feeds over WebSocket, or the simulated market anchored to Finnhub trades.
 */
function createSource(
  s: PipelineHandles['settings'],
  registry: Registry,
  clock: Clock,
  wake: () => void,
  metrics: PipelineMetrics,
): MarketSource {
  switch (s.source.kind) {
    case 'replay':
      return ReplaySource.open(s.source.path, {
        registry,
        speed: s.source.speed,
        // A restarted ingest continues after the last tick its predecessor published.
        resumeAtBytes: metrics.counters.byName('replay_resume_offset'),
        onTruncated: (err) => {
          metrics.counters.set(metrics.slot('replay_truncated_bytes'), err.partialBytes);
          workerLogger().warn(
            { recording: err.file, partial_frame_bytes: err.partialBytes, at_byte: err.offsetBytes },
            'recording ends in a partial frame (cut off mid-write): replayed every intact frame before it',
          );
        },
      });
    case 'venues': {
      const feed = new VenueFeedSource({
        urls: venueUrls(s.source.baseUrl, registry),
        registry,
        clock,
        wake,
        logger: workerLogger(),
      });
      feed.start();
      return feed;
    }
    case 'finnhub': {
      const feed = new FinnhubSource({
        url: s.source.url,
        apiKey: s.source.apiKey,
        registry,
        venueId: 0, // the trades only move prices; they are not quotes of any venue
        clock,
        wake,
        logger: workerLogger(),
      });
      feed.start();
      return new AnchoredSimSource(simMarket(s, registry), feed, metrics);
    }
    default:
      return s.burst ? new BurstSource(simMarket(s, registry), s.burst) : simMarket(s, registry);
  }
}

/** The simulated venues: taker fees from each venue, the maker fee of `backtest.maker_fee_bps`. */
function simVenues(s: PipelineHandles['settings'], quotes: QuoteTable): SimVenueGateway {
  const latency = s.venues.map((v, i) => createVenueLatencyModel(v.latency, (s.seed ^ 0x1a7e) + i));
  const fees = feeModelFor(s.venues, s.makerFeeBps ?? 0);
  return new SimVenueGateway(quotes, latency, fees, new Random(s.seed ^ 0x5eed));
}

function simMarket(s: PipelineHandles['settings'], registry: Registry): SimMarket {
  return new SimMarket(registry, s.venues, {
    ratePerSec: s.ratePerSec,
    // A restarted ingest worker draws a new path from where the market was (calibration = mids).
    seed: s.seed + (s.restart?.generation ?? 0),
    calibration: s.calibration,
  });
}

let logger: ReturnType<typeof createLogger> | null = null;
let loggerLevel: LogLevel = 'quiet';
/** Socket clients log reconnects and protocol errors from inside the worker, at the run's level. */
function workerLogger() {
  logger ??= createLogger(loggerLevel);
  return logger;
}

export function buildHost(
  h: PipelineHandles,
  hostIndex: number,
  clock: Clock,
  overrides: HostOverrides = {},
): HostContext {
  loggerLevel = h.settings.logLevel ?? 'quiet';
  const registry = new Registry(h.registry);
  const metrics = new PipelineMetrics(h.metrics);
  const control = new ControlBlock(h.control);
  const bell = new Doorbell(h.bells[hostIndex]);
  // Socket callbacks wake this host's own doorbell when they queue something.
  const wake = () => bell.wake();
  const stages = h.hosts[hostIndex].stages;
  const nodes = stages.map((stage) =>
    buildNode(stage, h, registry, metrics, control, clock, wake, overrides),
  );
  if (stages.includes('predict') && h.routes !== null)
    nodes.push(policyTableNode(h, registry, metrics, control, clock, overrides));
  workerLogger().debug(
    { host: h.hosts[hostIndex].name, stages: h.hosts[hostIndex].stages, wait: h.settings.waitStrategy },
    'host built',
  );
  return { registry, metrics, control, bell, nodes };
}

function buildNode(
  stage: StageName,
  h: PipelineHandles,
  registry: Registry,
  metrics: PipelineMetrics,
  control: ControlBlock,
  clock: Clock,
  wake: () => void,
  overrides: HostOverrides,
): StageNode {
  const s = h.settings;
  const quotes = new QuoteTable(h.quotes, registry.venueCount);
  const feeBps = Float64Array.from(s.venues, (v) => v.fee_bps);
  switch (stage) {
    case 'ingest': {
      const source = overrides.source ?? createSource(s, registry, clock, wake, metrics);
      const ingest = new IngestStage(registry.symbolCount, registry.venueCount, quotes, clock, metrics);
      const keys = registry.symbolCount * registry.venueCount;
      const conflator = new TickConflator(registry.venueCount, keys);
      // A supplied source is stepped by a simulated clock: never more due than the ring takes.
      const paced =
        overrides.source === undefined &&
        (s.source.kind === 'sim' ? s.ratePerSec > 0 : s.source.kind === 'replay' && s.source.speed > 0);
      const record = h.recordTicks ? new SpscRing(h.recordTicks) : null;
      const done = () => control.markSourceDone();
      const alone = h.hosts[hostOf(h.hosts, 'ingest')].stages.length === 1;
      return new IngestNode(
        source,
        ingest,
        attachRing(h, 'ticks'),
        conflator,
        paced,
        metrics,
        record,
        done,
        alone ? BATCH : PACED_BATCH,
        alone ? new TickConflator(registry.venueCount, keys) : null,
      );
    }
    case 'predict': {
      const forecaster = createForecaster({
        venues: registry.venueCount,
        modelPath: s.latencyModelPath ?? null,
        warmIntervalNs: s.inferenceWarmNs,
        wallOffsetNs: s.wallOffsetNs ?? 0,
        warn: (message) => workerLogger().warn(message),
      });
      const forecasts = new ForecastTable(h.forecasts);
      const predict = new PredictStage(
        forecaster,
        forecasts,
        clock,
        metrics,
        control,
        s.risk.venue_latency_spike_factor,
      );
      return new PredictNode(
        predict,
        attachRing(h, 'samples'),
        h.recordSamples ? new SpscRing(h.recordSamples) : null,
      );
    }
    case 'route': {
      const t = s.trading;
      const strategy = createStrategy(registry.symbolCount, t, feeBps);
      const positionSlots = metrics.slots(registry.symbolCount, (i) => `symbol_${i}_position`);
      const strategyCtx = { position: (symbolId: number) => metrics.counters.get(positionSlots[symbolId]) };
      const router =
        h.routes !== null
          ? new TablePolicyRouter(
              s.router,
              new RoutingTable(h.routes),
              new BestPriceRouter(),
              POLICY_MAX_AGE_NS,
            )
          : createRouter(s.router, s.risk.ack_timeout_ms * 1e6);
      const forecasts = new ForecastTable(h.forecasts);
      const route = new RouteStage(
        registry.symbolCount,
        registry.venueCount,
        strategy,
        router,
        forecasts,
        feeBps,
        control,
        clock,
        metrics,
        strategyCtx,
      );
      route.continueClientOrderIdsAfter(
        Math.max(s.recovery?.maxClientOrderId ?? 0, s.restart?.clientOrderIdBase ?? 0),
      );
      return new RouteNode(route, attachRing(h, 'ticks'), attachRing(h, 'orders'), control, metrics);
    }
    case 'risk': {
      const limits = riskLimitsFromConfig(s.trading, s.risk);
      const risk = new RiskStage(registry.symbolCount, limits, quotes, clock, metrics, control);
      if (s.recovery) risk.applyRecovery(s.recovery, registry);
      const journal = h.journal ? new SpscRing(h.journal) : null;
      const orders = attachRing(h, 'orders');
      const node = new RiskNode(
        risk,
        orders,
        attachRing(h, 'reports'),
        attachRing(h, 'approved'),
        journal,
        control,
        metrics,
      );
      if (s.recovery && s.recovery.openOrders.length > 0) node.cancelOpenOrdersAtStart();
      if (h.adoption) node.receiveAdoptions(new AdoptionMailbox(h.adoption));
      return node;
    }
    case 'execute': {
      let exec: ExecutionStage | null = null;
      const ws =
        overrides.gateway === undefined && s.source.kind === 'venues'
          ? new WsVenueGateway({
              urls: venueUrls(s.source.baseUrl, registry),
              registry,
              clock,
              wake,
              logger: workerLogger(),
              onConnection: (v, up) => exec?.onVenueConnection(v, up),
              pingIntervalMs: s.source.probeIntervalMs,
            })
          : null;
      const gateway = overrides.gateway ?? ws ?? simVenues(s, quotes);
      exec = new ExecutionStage(
        registry.venueCount,
        gateway,
        clock,
        metrics,
        control,
        s.risk.ack_timeout_ms * 1e6,
        Math.max(s.recovery?.maxExecId ?? 0, s.restart?.execIdBase ?? 0),
      );
      ws?.start();
      const samples = attachRing(h, 'samples');
      return new ExecuteNode(
        exec,
        attachRing(h, 'approved'),
        attachRing(h, 'reports'),
        samples,
        ws,
        ws !== null,
      );
    }
  }
}

function policyTableNode(
  h: PipelineHandles,
  registry: Registry,
  metrics: PipelineMetrics,
  control: ControlBlock,
  clock: Clock,
  overrides: HostOverrides,
): PolicyTableNode {
  const s = h.settings;
  return createPolicyTableNode(
    h,
    registry,
    metrics,
    control,
    clock,
    requirePolicy(s.router, overrides),
    (err) =>
      workerLogger().error(
        { router: s.router, err: err.message },
        'routing policy: onnxruntime failed; best-price routes from now on',
      ),
  );
}

function requirePolicy(name: string, overrides: HostOverrides): OnnxPolicy {
  if (overrides.policy === undefined || overrides.policy.kind !== name)
    throw new Error(
      `router ${name}: its trained policy must be loaded before the host is built (run-host.ts)`,
    );
  return overrides.policy;
}
