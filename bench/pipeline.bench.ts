/**
 * Drives the real pipeline (worker threads and shared-memory rings) at fixed tick rates and flat
 * out, for each topology, and reports sustained ticks/s, drops, tick-to-order percentiles and GC
 * per million ticks (first and second half of each run, to show it does not grow).
 *
 *   npm run bench:pipeline -- [--json FILE] [--duration S] [--topologies threads,fused,inline] [--rates 10000,100000,0]
 *                             [--router best-price|dqn|ppo|...]   (dqn/ppo: also the policy decision percentiles)
 *
 * Like the daemon, predict serves the shipped ONNX latency model (HFT_LATENCY_MODEL=none: the
 * EWMA; HFT_LATENCY_MODEL=FILE: another model); its refresh percentiles are reported too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HftConfig, PipelineTopology } from '../src/config/config-types.js';
import { resolveConfig } from '../src/config/resolve-config.js';
import { Registry } from '../src/core/registry.js';
import { JournalWriter } from '../src/execution/journal-file.js';
import { Supervisor } from '../src/main/supervisor.js';
import { servedLatencyModelPath } from '../src/ml/latency/latency-model-files.js';
import { JournalDrain } from '../src/pipeline/journal-drain.js';
import { createPipelineHandles, settingsFromConfig } from '../src/pipeline/pipeline-handles.js';
import { PipelineMetrics } from '../src/run-state/pipeline-metrics.js';
import {
  type DurationHistogram,
  type DurationSummaryUs,
  histogramDelta,
  snapshotHistogram,
} from '../src/shm/duration-histogram.js';
import { tradeOftenWithoutLimits } from './trading-load.js';

const CONFIG_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../config');
const WARMUP_S = 1;

export interface PipelineRunResult {
  topology: PipelineTopology;
  router: string;
  target_rate: number;
  achieved_rate: number;
  ticks: number;
  dropped_orders: number;
  conflated_ticks: number;
  orders_sent: number;
  tick_to_order_us: DurationSummaryUs;
  stages_us: Record<string, DurationSummaryUs>;
  gc_per_million_ticks: number;
  gc_per_million_ticks_halves: [number, number];
  /** Collections per host (worker) over the measured stretch: which thread makes the garbage. */
  gc_by_host: Record<string, number>;
  /** A trained router's decision in the route stage: routing-table read -> order emitted (dqn, ppo). */
  policy_decision_us: DurationSummaryUs;
  /** Its routing-table refresh beside the order path (features, one batched inference, publish). */
  policy_table_refresh_us: DurationSummaryUs;
  /** Orders split from the routing table, and routed by best-price for want of a fresh decision. */
  policy_table_decided: number;
  policy_table_fallback: number;
  /** The ONNX latency model (or EWMA) served by predict: `latency_model`, refresh of every venue. */
  latency_model: string;
  predict_refresh_us: DurationSummaryUs;
}

interface Snapshot {
  tNs: number;
  ticks: number;
  dropped: number;
  conflated: number;
  sent: number;
  gc: number;
  gcByHost: number[];
  decided: number;
  fallback: number;
  hists: Record<string, DurationHistogram>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bench settings: the fast mode's venues, a strategy tuned to emit enough orders to measure. */
export function benchConfig(topology: PipelineTopology, rate: number, router = 'best-price'): HftConfig {
  const cfg = resolveConfig(
    { mode: 'fast', pipeline: topology, rate: String(rate), router },
    {},
    { configDir: CONFIG_DIR, cwd: '/' },
  );
  tradeOftenWithoutLimits(cfg);
  if (process.env.BENCH_SPIN_NS) cfg.system.spin_ns = Number(process.env.BENCH_SPIN_NS);
  if (process.env.BENCH_WAIT)
    cfg.system.wait_strategy = process.env.BENCH_WAIT as HftConfig['system']['wait_strategy'];
  return cfg;
}

export async function runPipeline(
  topology: PipelineTopology,
  rate: number,
  durationS: number,
  router = 'best-price',
): Promise<PipelineRunResult> {
  const cfg = benchConfig(topology, rate, router);
  const registry = new Registry({
    symbols: cfg.trading.symbols,
    venues: cfg.market.venues.map((v) => v.name),
  });
  const epochNs = process.hrtime.bigint();
  const nowNs = () => Number(process.hrtime.bigint() - epochNs);
  const latencyModelPath = servedLatencyModelPath(process.env);
  const handles = createPipelineHandles(
    registry.toData(),
    // Stamps count from epochNs; this maps them to wall-clock time (time-of-day features).
    { ...settingsFromConfig(cfg), latencyModelPath, wallOffsetNs: Date.now() * 1e6 - nowNs() },
    epochNs,
  );
  const m = new PipelineMetrics(handles.metrics);
  const sup = new Supervisor(handles, nowNs, 5000);
  // All checks on, as in the daemon: the journal is written to a file off the hot path.
  const journalDir = mkdtempSync(join(tmpdir(), 'hft-bench-'));
  const writer = new JournalWriter(join(journalDir, 'journal.hftj'), registry.toData(), null);
  const journal = new JournalDrain(handles.journal!, writer);
  const drainTimer = setInterval(() => journal.drain(), 5);
  const faults: string[] = [];
  sup.on('fault', (f) => faults.push(`${f.host}: ${f.error.message}`));
  const hostNames = handles.hosts.map((h) => h.name);
  const snap = (): Snapshot => {
    const gcByHost = hostNames.map((h) => m.counters.byName(`host_${h}_gc_count`));
    return {
      tNs: nowNs(),
      ticks: m.counters.byName('ticks_processed'),
      dropped: m.counters.byName('orders_dropped'),
      conflated: m.counters.byName('ticks_conflated'),
      sent: m.counters.byName('orders_sent'),
      gc: gcByHost.reduce((a, n) => a + n, 0),
      gcByHost,
      decided: m.counters.byName('policy_table_decisions'),
      fallback: m.counters.byName('policy_table_fallbacks'),
      hists: Object.fromEntries(Object.entries(m.hist).map(([k, h]) => [k, snapshotHistogram(h)])),
    };
  };
  await sup.start();
  await sleep(WARMUP_S * 1000);
  const a = snap();
  await sleep((durationS * 1000) / 2);
  const mid = snap();
  await sleep((durationS * 1000) / 2);
  const b = snap();
  await sup.stop();
  clearInterval(drainTimer);
  journal.drain();
  writer.close();
  rmSync(journalDir, { recursive: true, force: true });
  if (faults.length > 0) throw new Error(`pipeline fault: ${faults.join('; ')}`);
  const elapsedS = (b.tNs - a.tNs) / 1e9;
  const ticks = b.ticks - a.ticks;
  const perMillion = (gc: number, t: number) => (t > 0 ? Math.round((gc / t) * 1e6 * 10) / 10 : 0);
  const delta = (k: string) => histogramDelta(b.hists[k], a.hists[k]).summaryUs();
  return {
    topology,
    router,
    target_rate: rate,
    achieved_rate: Math.round(ticks / elapsedS),
    ticks,
    dropped_orders: b.dropped - a.dropped,
    conflated_ticks: b.conflated - a.conflated,
    orders_sent: b.sent - a.sent,
    tick_to_order_us: delta('tick_to_order'),
    stages_us: Object.fromEntries(
      ['ingest', 'route', 'risk', 'execute'].map((s) => [s, delta(`stage_${s}`)]),
    ),
    gc_per_million_ticks: perMillion(b.gc - a.gc, ticks),
    gc_per_million_ticks_halves: [
      perMillion(mid.gc - a.gc, mid.ticks - a.ticks),
      perMillion(b.gc - mid.gc, b.ticks - mid.ticks),
    ],
    gc_by_host: Object.fromEntries(hostNames.map((h, i) => [h, b.gcByHost[i] - a.gcByHost[i]])),
    policy_decision_us: delta('policy_decision'),
    policy_table_refresh_us: delta('policy_inference'),
    policy_table_decided: b.decided - a.decided,
    policy_table_fallback: b.fallback - a.fallback,
    latency_model: latencyModelPath === null ? 'EWMA' : relative(process.cwd(), latencyModelPath),
    predict_refresh_us: delta('predict_inference'),
  };
}

/** The hosts that collected during the stretch, e.g. " execute 1": empty when none did. */
function gcHosts(r: PipelineRunResult): string {
  return Object.entries(r.gc_by_host)
    .filter(([, n]) => n > 0)
    .map(([h, n]) => ` ${h} ${n}`)
    .join(',');
}

function parseArgs(argv: string[]): {
  json: string | null;
  durationS: number;
  topologies: PipelineTopology[];
  rates: number[];
  router: string;
} {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const durationS = Number(get('--duration') ?? 5);
  if (!(durationS > 0))
    throw new Error(`--duration: must be a positive number of seconds, got ${get('--duration')}`);
  return {
    json: get('--json') ?? null,
    durationS,
    topologies: (get('--topologies') ?? 'threads,fused,inline').split(',') as PipelineTopology[],
    rates: (get('--rates') ?? '10000,100000,0').split(',').map(Number),
    router: get('--router') ?? 'best-price',
  };
}

function printTable(runs: PipelineRunResult[]): void {
  const rows = runs.map((r) => ({
    topology: r.topology,
    router: r.router,
    target: r.target_rate === 0 ? 'max' : r.target_rate,
    'ticks/s': r.achieved_rate,
    'dropped orders': r.dropped_orders,
    conflated: r.conflated_ticks,
    orders: r.orders_sent,
    'p50 us': r.tick_to_order_us.p50,
    'p95 us': r.tick_to_order_us.p95,
    'p99 us': r.tick_to_order_us.p99,
    'p99.9 us': r.tick_to_order_us.p999,
    'max us': r.tick_to_order_us.max,
    'gc/M ticks (1st, 2nd half) hosts': `${r.gc_per_million_ticks} (${r.gc_per_million_ticks_halves.join(', ')})${gcHosts(r)}`,
    'decision p50/p99 us':
      r.policy_decision_us.count > 0 ? `${r.policy_decision_us.p50} / ${r.policy_decision_us.p99}` : '-',
    'table refresh p50/p99 us (decided, fallback)':
      r.policy_table_refresh_us.count > 0
        ? `${r.policy_table_refresh_us.p50} / ${r.policy_table_refresh_us.p99} (${r.policy_table_decided}, ${r.policy_table_fallback})`
        : '-',
    'forecast refresh p50/p99 us': `${r.predict_refresh_us.p50} / ${r.predict_refresh_us.p99}`,
  }));
  console.table(rows);
  if (runs.length > 0) console.log(`predict served: ${runs[0].latency_model}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const runs: PipelineRunResult[] = [];
  for (const rate of args.rates) {
    for (const topology of args.topologies) {
      process.stderr.write(
        `pipeline bench: ${topology} at ${rate === 0 ? 'max' : rate} ticks/s, ${args.router}, for ${args.durationS}s\n`,
      );
      runs.push(await runPipeline(topology, rate, args.durationS, args.router));
    }
  }
  printTable(runs);
  const report = { machine: { cpus: cpus().length, node: process.version }, runs };
  if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    process.stderr.write(`pipeline bench: ${err.message}\n`);
    process.exitCode = 1;
  });
}
