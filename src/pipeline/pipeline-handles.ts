/**
 * Every shared buffer of one pipeline run, created by main and handed to each worker as plain
 * data (SharedArrayBuffers cross `workerData` without copying).
 */

import type { AdoptionMailboxHandle } from '../cluster/adoption-mailbox.js';
import type { HftConfig, PipelineTopology } from '../config/config-types.js';
import type { LogLevel } from '../core/logger.js';
import { Registry, type RegistryData } from '../core/registry.js';
import type { RecoveredState } from '../execution/journal-replay.js';
import type { TickBurst } from '../market/burst-source.js';
import { createQuoteTable } from '../market/quote-table.js';
import { createForecastTable } from '../ml/forecast-table.js';
import { isPolicyRouterName } from '../routing/create-policy-router.js';
import { createRoutingTable, type RoutingTableHandle } from '../routing/routing-table.js';
import { type ControlBlockHandle, createControlBlock } from '../run-state/control-block.js';
import { createPipelineMetrics, type PipelineMetricsHandle } from '../run-state/pipeline-metrics.js';
import { DOORBELL_BYTES } from '../shm/doorbell.js';
import {
  ExecReportLayout,
  JournalLayout,
  LatencySampleLayout,
  OrderLayout,
  TickLayout,
} from '../shm/records.js';
import type { SeqlockTableHandle } from '../shm/seqlock-table.js';
import { createRing, type RingHandle } from '../shm/spsc-ring.js';
import { type HostSpec, hostsFor, type RingName } from './topology.js';

/** The part of the config the stages need, as plain data. */
export interface PipelineSettings {
  readonly topology: PipelineTopology;
  readonly ratePerSec: number;
  readonly seed: number;
  readonly venues: HftConfig['market']['venues'];
  readonly trading: HftConfig['trading'];
  readonly router: HftConfig['routing']['router'];
  readonly risk: HftConfig['risk'];
  /** Fee of a passive (maker) fill at the simulated venues, bps (config `backtest.maker_fee_bps`). */
  readonly makerFeeBps?: number;
  readonly waitStrategy: HftConfig['system']['wait_strategy'];
  readonly spinNs: number;
  readonly busySpinHost: string | null;
  /** Keep-warm interval of the latency model's ONNX inference in predict, ns (0: off). */
  readonly inferenceWarmNs: number;
  /** The run's log level inside the workers (absent: quiet, warnings and errors only). */
  readonly logLevel?: LogLevel;
  /** Journal every decision and report (the daemon always does; tests and benches may not drain one). */
  readonly journal: boolean;
  /** Record every accepted tick and latency sample (the daemon does; benches and tests may not). */
  readonly record: boolean;
  /** Where ticks come from: the simulated market, or a recording played back at `speed` (0 = flat out). */
  readonly source:
    | { kind: 'sim' }
    | { kind: 'replay'; path: string; speed: number }
    /** Venue servers (`hft venues`) over WebSocket: `${baseUrl}/${venue}` per venue. */
    | { kind: 'venues'; baseUrl: string; probeIntervalMs: number }
    /** Finnhub trades anchor the simulated market's prices (the key travels only to ingest). */
    | { kind: 'finnhub'; url: string; apiKey: string };
  /** A tick burst on the simulated market (tests, soak drills); never set from config. */
  readonly burst?: TickBurst;
  /** Per-symbol price and volatility from `hft history`'s cache, for the simulated market. */
  readonly calibration?: Readonly<Record<string, { price: number; volPerSqrtSec: number }>>;
  /** State rebuilt from a journal with --recover, applied by risk and route at start. */
  readonly recovery: RecoveredState | null;
  /** The ONNX latency model predict serves (null or absent: the EWMA forecaster). */
  readonly latencyModelPath?: string | null;
  /** Wall-clock ns since the Unix epoch at stamp 0, for time-of-day features. */
  readonly wallOffsetNs?: number;
  /** A restarted worker: how many restarts so far, and the ids its predecessors used. */
  readonly restart?: { generation: number; clientOrderIdBase: number; execIdBase: number };
}

export interface PipelineHandles {
  readonly epochNs: bigint;
  readonly registry: RegistryData;
  readonly settings: PipelineSettings;
  readonly hosts: HostSpec[];
  readonly rings: Record<RingName, RingHandle>;
  /** Risk -> main: every decision and report, drained off the hot path into the journal file. */
  readonly journal: RingHandle | null;
  /** Ingest -> main and predict -> main: what the run saw, written to `record.hftrec` off the hot path. */
  readonly recordTicks: RingHandle | null;
  readonly recordSamples: RingHandle | null;
  readonly bells: SharedArrayBuffer[];
  readonly quotes: SeqlockTableHandle;
  readonly forecasts: SeqlockTableHandle;
  /** A trained router's decisions, made ahead of the orders (null: a fixed router routes). */
  readonly routes: RoutingTableHandle | null;
  readonly metrics: PipelineMetricsHandle;
  readonly control: ControlBlockHandle;
  /** --cluster: main -> risk, another shard's state taken over mid-run (docs/cluster.md). */
  readonly adoption?: AdoptionMailboxHandle;
}

const JOURNAL_RING_CAPACITY = 65536;
/** Drained every 5 ms by main: room for ~13 M ticks/s before a record is dropped (and counted). */
const RECORD_RING_CAPACITY = 65536;

function sourceFromConfig(cfg: HftConfig): PipelineSettings['source'] {
  const src = cfg.market.source;
  if (src.startsWith('replay:')) {
    return { kind: 'replay', path: src.slice('replay:'.length), speed: cfg.market.replay_speed };
  }
  if (src.startsWith('venues:'))
    return {
      kind: 'venues',
      baseUrl: src.slice('venues:'.length).replace(/\/+$/, ''),
      probeIntervalMs: cfg.market.probe_interval_ms,
    };
  if (src === 'finnhub') {
    return { kind: 'finnhub', url: cfg.secrets.finnhub_ws_url, apiKey: cfg.secrets.finnhub_api_key ?? '' };
  }
  return { kind: 'sim' };
}

export const RING_CAPACITY: Record<RingName, number> = {
  ticks: 16384,
  orders: 8192,
  approved: 8192,
  reports: 32768,
  samples: 8192,
};

export function settingsFromConfig(cfg: HftConfig): PipelineSettings {
  return {
    topology: cfg.system.pipeline,
    ratePerSec: cfg.market.rate,
    seed: cfg.market.seed,
    venues: cfg.market.venues,
    trading: cfg.trading,
    router: cfg.routing.router,
    risk: cfg.risk,
    makerFeeBps: cfg.backtest.maker_fee_bps,
    waitStrategy: cfg.system.wait_strategy,
    spinNs: cfg.system.spin_ns,
    busySpinHost: cfg.system.busy_spin_host,
    inferenceWarmNs: cfg.system.inference_warm_us * 1e3,
    logLevel: cfg.system.log_level,
    journal: true,
    record: cfg.system.record,
    source: sourceFromConfig(cfg),
    recovery: null,
  };
}

export function createPipelineHandles(
  registryData: RegistryData,
  settings: PipelineSettings,
  epochNs: bigint,
): PipelineHandles {
  const registry = new Registry(registryData);
  const hosts = hostsFor(settings.topology);
  return {
    epochNs,
    registry: registry.toData(),
    settings,
    hosts,
    rings: {
      ticks: createRing('ticks', RING_CAPACITY.ticks, TickLayout.sizeBytes),
      orders: createRing('orders', RING_CAPACITY.orders, OrderLayout.sizeBytes),
      approved: createRing('approved', RING_CAPACITY.approved, OrderLayout.sizeBytes),
      reports: createRing('reports', RING_CAPACITY.reports, ExecReportLayout.sizeBytes),
      samples: createRing('samples', RING_CAPACITY.samples, LatencySampleLayout.sizeBytes),
    },
    journal: settings.journal ? createRing('journal', JOURNAL_RING_CAPACITY, JournalLayout.sizeBytes) : null,
    recordTicks: settings.record
      ? createRing('record-ticks', RECORD_RING_CAPACITY, TickLayout.sizeBytes)
      : null,
    recordSamples: settings.record
      ? createRing('record-samples', RECORD_RING_CAPACITY, LatencySampleLayout.sizeBytes)
      : null,
    bells: hosts.map(() => new SharedArrayBuffer(DOORBELL_BYTES)),
    quotes: createQuoteTable(registry.symbolCount, registry.venueCount),
    forecasts: createForecastTable(registry.venueCount),
    routes: isPolicyRouterName(settings.router)
      ? createRoutingTable(registry.symbolCount, registry.venueCount)
      : null,
    metrics: createPipelineMetrics(
      registry.toData(),
      hosts.map((h) => h.name),
    ),
    control: createControlBlock(hosts.length),
  };
}
