/**
 * Soak: the threaded pipeline (worker threads, shared rings, every risk check, the journal written
 * to a file) at a steady simulated tick rate for a long run, watching for leaks and drift. Every
 * few seconds it samples the main thread's heap (after a full GC), the workers' heaps (what their
 * GC observers publish in the shared counters: heap used outside the young generation, since
 * 64 MB semi-spaces swing the rest), the process RSS (all threads), orders sent and dropped, and
 * ticks conflated; per window (a minute by default) the tick-to-order p50/p99/p99.9. After the
 * warm-up it compares the median of the later half of the samples with the earlier half's and
 * fails (exit 1) when a heap or RSS grew more than 5%, any order was dropped, or the p99 was unstable: the later half of the windows'
 * median p99 more than twice (+1 ms) the earlier half's, or one window over 10x the median.
 *
 *   npm run soak -- [--duration 900] [--rate 50000] [--warmup 450] [--interval 5] [--window 60] [--json FILE]
 *
 * The warm-up is long for two reasons, both measured here at 50k ticks/s. Each worker starts with
 * a 64 MB semi-space (supervisor.ts) whose pages count in RSS only once first written: RSS rises
 * ~250 MB over 2-3 minutes, then stays within a few percent. And with V8's memory reducer off
 * (supervisor.ts) the workers' heaps outside the young generation fill up more slowly to the same
 * steady size as with it on: ~50-51 MB summed over the five workers, reached after ~7 minutes
 * (with the reducer: ~2 minutes), flat after that.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../src/config/resolve-config.js';
import { Registry } from '../src/core/registry.js';
import { JournalWriter } from '../src/execution/journal-file.js';
import { Supervisor } from '../src/main/supervisor.js';
import { JournalDrain } from '../src/pipeline/journal-drain.js';
import { createPipelineHandles, settingsFromConfig } from '../src/pipeline/pipeline-handles.js';
import { PipelineMetrics } from '../src/run-state/pipeline-metrics.js';
import { type DurationHistogram, histogramDelta, snapshotHistogram } from '../src/shm/duration-histogram.js';
import { tradeOftenWithoutLimits } from './trading-load.js';

const CONFIG_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../config');
const MB = 1024 * 1024;
/** Largest growth of heap or RSS after the warm-up (median of the later half of the samples vs the earlier half). */
const MAX_GROWTH = 0.05;
/** p99 drift allowed from the earlier to the later half of the windows (x, plus slack). */
const P99_DRIFT = 2;
const P99_SLACK_US = 1000;
/** One window's p99 over this many times the median window's is unstable whatever the trend. */
const P99_SPIKE = 10;

export interface SoakOptions {
  durationS: number;
  rate: number;
  warmupS: number;
  intervalS: number;
  windowS: number;
}

interface Sample {
  tS: number;
  mainHeap: number;
  workerHeap: number;
  rss: number;
  ticks: number;
  sent: number;
  dropped: number;
  conflated: number;
  gc: number;
}

export interface SoakWindow {
  window: number;
  from_s: number;
  to_s: number;
  ticks_per_s: number;
  orders: number;
  dropped: number;
  conflated: number;
  p50_us: number;
  p99_us: number;
  p999_us: number;
  main_heap_mb: number;
  worker_heap_mb: number;
  rss_mb: number;
  gc: number;
}

export interface SoakVerdict {
  heap_growth: number;
  worker_heap_growth: number;
  rss_growth: number;
  dropped_orders: number;
  p99_median_us: number;
  p99_max_us: number;
  p99_early_us: number;
  p99_late_us: number;
  failures: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const gc = (globalThis as { gc?: () => void }).gc;

export async function runSoak(
  o: SoakOptions,
  log: (line: string) => void,
): Promise<{
  windows: SoakWindow[];
  samples: Sample[];
  state: Record<string, unknown>;
  verdict: SoakVerdict;
}> {
  const cfg = resolveConfig(
    { mode: 'fast', pipeline: 'threads', rate: String(o.rate) },
    {},
    { configDir: CONFIG_DIR, cwd: '/' },
  );
  tradeOftenWithoutLimits(cfg);
  const registry = new Registry({
    symbols: cfg.trading.symbols,
    venues: cfg.market.venues.map((v) => v.name),
  });
  const epochNs = process.hrtime.bigint();
  const nowNs = () => Number(process.hrtime.bigint() - epochNs);
  const handles = createPipelineHandles(
    registry.toData(),
    { ...settingsFromConfig(cfg), record: false },
    epochNs,
  );
  const m = new PipelineMetrics(handles.metrics);
  const sup = new Supervisor(handles, nowNs, 10_000);
  const faults: string[] = [];
  sup.on('fault', (f) => faults.push(`${f.host}: ${f.error.message}`));
  const dir = mkdtempSync(join(tmpdir(), 'hft-soak-'));
  const writer = new JournalWriter(join(dir, 'journal.hftj'), registry.toData(), null);
  const journal = new JournalDrain(handles.journal!, writer);
  const drainTimer = setInterval(() => journal.drain(), 5);
  const hosts = handles.hosts.map((h) => h.name);
  const c = (n: string) => m.counters.byName(n);
  let t0 = 0;
  const sample = (): Sample => {
    gc?.();
    const mem = process.memoryUsage();
    return {
      tS: (nowNs() - t0) / 1e9,
      mainHeap: mem.heapUsed,
      workerHeap: hosts.reduce((a, h) => a + c(`host_${h}_heap_retained_bytes`), 0),
      rss: mem.rss,
      ticks: c('ticks_processed'),
      sent: c('orders_sent'),
      dropped: c('orders_dropped'),
      conflated: c('ticks_conflated'),
      gc: hosts.reduce((a, h) => a + c(`host_${h}_gc_count`), 0),
    };
  };
  const samples: Sample[] = [];
  const windows: SoakWindow[] = [];
  try {
    await sup.start();
    t0 = nowNs();
    let windowStart = sample();
    let windowHist: DurationHistogram = snapshotHistogram(m.hist.tick_to_order);
    let windowSamples: Sample[] = [windowStart];
    samples.push(windowStart);
    for (let k = 1; k * o.intervalS <= o.durationS + 1e-9; k++) {
      await sleep(Math.max(0, t0 / 1e6 + k * o.intervalS * 1000 - nowNs() / 1e6));
      if (faults.length > 0) throw new Error(`pipeline fault: ${faults.join('; ')}`);
      const s = sample();
      samples.push(s);
      windowSamples.push(s);
      const windowDone =
        s.tS - windowStart.tS >= o.windowS - 1e-6 || k * o.intervalS + o.intervalS > o.durationS + 1e-9;
      if (!windowDone) continue;
      const hist = snapshotHistogram(m.hist.tick_to_order);
      const lat = histogramDelta(hist, windowHist).summaryUs();
      const w: SoakWindow = {
        window: windows.length + 1,
        from_s: round(windowStart.tS),
        to_s: round(s.tS),
        ticks_per_s: Math.round((s.ticks - windowStart.ticks) / (s.tS - windowStart.tS)),
        orders: s.sent - windowStart.sent,
        dropped: s.dropped - windowStart.dropped,
        conflated: s.conflated - windowStart.conflated,
        p50_us: lat.p50,
        p99_us: lat.p99,
        p999_us: lat.p999,
        main_heap_mb: round(mean(windowSamples.map((x) => x.mainHeap)) / MB, 2),
        worker_heap_mb: round(mean(windowSamples.map((x) => x.workerHeap)) / MB, 2),
        rss_mb: round(mean(windowSamples.map((x) => x.rss)) / MB, 1),
        gc: s.gc - windowStart.gc,
      };
      windows.push(w);
      log(
        `soak ${w.to_s}s: ${w.ticks_per_s} ticks/s, ${w.orders} orders, dropped ${w.dropped}, ` +
          `p50 ${w.p50_us} us, p99 ${w.p99_us} us, heap ${w.main_heap_mb} MB, workers ${w.worker_heap_mb} MB, rss ${w.rss_mb} MB`,
      );
      windowStart = s;
      windowHist = hist;
      windowSamples = [s];
    }
  } finally {
    await sup.stop();
    clearInterval(drainTimer);
    journal.drain();
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const nonzero = (prefix: string) =>
    Object.fromEntries(
      m.counters.handle.names
        .filter((n) => n.startsWith(prefix) && c(n) !== 0)
        .map((n) => [n.slice(prefix.length), c(n)]),
    );
  const state = {
    gc_by_thread: Object.fromEntries(hosts.map((h) => [h, c(`host_${h}_gc_count`)])),
    risk_rejections: nonzero('risk_reject_'),
    breaker_trips: c('breaker_trips'),
    open_orders: c('open_orders'),
    ack_timeouts: c('orders_ack_timeouts'),
  };
  log(`soak end state: ${JSON.stringify(state)}`);
  return { windows, samples, state, verdict: judge(windows, samples, o) };
}

/**
 * Growth of a gauge after the warm-up: the median of the later half of the samples over the
 * earlier half's. Not first vs last sample: RSS swings by up to a semi-space per worker as they
 * scavenge (measured here: 530-565 MB from one 5 s sample to the next with no trend), so two
 * single samples can differ by 5% on noise alone.
 */
function steadyGrowth(samples: Sample[], pick: (s: Sample) => number): number {
  if (samples.length < 4) return 0;
  const half = Math.floor(samples.length / 2);
  const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)];
  };
  const a = median(samples.slice(0, half).map(pick));
  const b = median(samples.slice(samples.length - half).map(pick));
  return a > 0 ? (b - a) / a : 0;
}

/** The pass/fail rules of the module comment, over the windows that start after the warm-up. */
export function judge(windows: SoakWindow[], samples: Sample[], o: SoakOptions): SoakVerdict {
  const failures: string[] = [];
  // Windows after the warm-up; a short last one (the run's remainder) is shown but not judged.
  const steady = windows.filter(
    (w) => w.from_s >= o.warmupS - o.intervalS / 2 && w.to_s - w.from_s >= o.windowS / 2,
  );
  const dropped = samples.length > 0 ? samples[samples.length - 1].dropped : 0;
  if (steady.length < 2)
    failures.push(`need two windows after the ${o.warmupS}s warm-up, got ${steady.length}`);
  const after = samples.filter((x) => x.tS >= o.warmupS);
  const heap = steadyGrowth(after, (x) => x.mainHeap);
  const workers = steadyGrowth(after, (x) => x.workerHeap);
  const rss = steadyGrowth(after, (x) => x.rss);
  if (heap > MAX_GROWTH) failures.push(`main heap grew ${(heap * 100).toFixed(1)}% after warm-up`);
  if (workers > MAX_GROWTH) failures.push(`worker heaps grew ${(workers * 100).toFixed(1)}% after warm-up`);
  if (rss > MAX_GROWTH) failures.push(`RSS grew ${(rss * 100).toFixed(1)}% after warm-up`);
  if (dropped > 0) failures.push(`${dropped} orders dropped`);
  const idle = steady.filter((w) => w.orders === 0).map((w) => `${w.from_s}-${w.to_s}s`);
  if (idle.length > 0) failures.push(`no orders in window(s) ${idle.join(', ')}: trading stopped`);
  const med = (xs: number[]) => (xs.length > 0 ? [...xs].sort((a, b) => a - b)[xs.length >> 1] : 0);
  const p99s = steady.map((w) => w.p99_us);
  const median = med(p99s);
  const max = Math.max(0, ...p99s);
  const half = p99s.length >> 1;
  const early = med(p99s.slice(0, half));
  const late = med(p99s.slice(p99s.length - half));
  if (late > P99_DRIFT * early + P99_SLACK_US)
    failures.push(`p99 unstable: drifted from ${early} us (earlier windows) to ${late} us (later windows)`);
  if (max > P99_SPIKE * median)
    failures.push(`p99 unstable: worst window ${max} us against a median window of ${median} us`);
  return {
    heap_growth: round(heap, 4),
    worker_heap_growth: round(workers, 4),
    rss_growth: round(rss, 4),
    dropped_orders: dropped,
    p99_median_us: median,
    p99_max_us: max,
    p99_early_us: early,
    p99_late_us: late,
    failures,
  };
}

function parseArgs(argv: string[]): SoakOptions & { json: string | null } {
  const num = (flag: string, def: number, min = 0) => {
    const i = argv.indexOf(flag);
    if (i < 0) return def;
    const v = Number(argv[i + 1]);
    if (!(v > min) || !Number.isFinite(v))
      throw new Error(`${flag}: must be a number > ${min}, got ${argv[i + 1]}`);
    return v;
  };
  const i = argv.indexOf('--json');
  const o = {
    durationS: num('--duration', 900),
    rate: num('--rate', 50_000),
    warmupS: num('--warmup', 450, -1),
    intervalS: num('--interval', 5),
    windowS: num('--window', 60),
    json: i >= 0 ? (argv[i + 1] ?? null) : null,
  };
  if (o.warmupS + 2 * o.windowS > o.durationS)
    throw new Error(`--duration must leave two --window after --warmup (${o.warmupS} + 2 x ${o.windowS} s)`);
  return o;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (gc === undefined)
    process.stderr.write('soak: run with --expose-gc (npm run soak does) for a steady heap reading\n');
  process.stderr.write(
    `soak: threads pipeline at ${o.rate} ticks/s for ${o.durationS}s (warm-up ${o.warmupS}s, ` +
      `samples every ${o.intervalS}s, windows of ${o.windowS}s)\n`,
  );
  const { windows, samples, state, verdict } = await runSoak(o, (line) => process.stderr.write(`${line}\n`));
  console.table(
    windows.map((w) => ({
      window: `${w.from_s}-${w.to_s}s`,
      'ticks/s': w.ticks_per_s,
      orders: w.orders,
      dropped: w.dropped,
      conflated: w.conflated,
      'p50 us': w.p50_us,
      'p99 us': w.p99_us,
      'p99.9 us': w.p999_us,
      'heap MB': w.main_heap_mb,
      'worker heap MB (retained)': w.worker_heap_mb,
      'RSS MB': w.rss_mb,
      gc: w.gc,
    })),
  );
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  console.log(
    `after warm-up: main heap ${pct(verdict.heap_growth)}, worker heaps ${pct(verdict.worker_heap_growth)}, ` +
      `RSS ${pct(verdict.rss_growth)} (limit ${pct(MAX_GROWTH)}); dropped orders ${verdict.dropped_orders}; ` +
      `p99 median ${verdict.p99_median_us} us (earlier half ${verdict.p99_early_us}, later half ${verdict.p99_late_us}), ` +
      `worst ${verdict.p99_max_us} us`,
  );
  console.log(verdict.failures.length === 0 ? 'soak: PASS' : `soak: FAIL: ${verdict.failures.join('; ')}`);
  if (o.json) {
    const machine = { cpus: cpus().length, mem_gib: Math.round(totalmem() / 2 ** 30), node: process.version };
    writeFileSync(
      o.json,
      `${JSON.stringify({ machine, options: o, windows, samples, state, verdict }, null, 2)}\n`,
    );
  }
  if (verdict.failures.length > 0) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    process.stderr.write(`soak: ${err.message}\n`);
    process.exitCode = 1;
  });
}
