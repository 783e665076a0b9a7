/**
 * `hft run`: the daemon. Builds the pipeline for the configured topology, serves metrics, prints
 * progress, stops at --duration or on SIGINT/SIGTERM, and writes summary.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Registry } from '../core/registry.js';
import { createLiveDashboard } from '../dashboard/live-dashboard.js';
import { JournalWriter } from '../execution/journal-file.js';
import { type RecoveredSnapshot, type RecoveredState, replayJournal } from '../execution/journal-replay.js';
import { calibrateFromCache } from '../market/history/calibration.js';
import { resolveCacheDir } from '../market/history/history-cache.js';
import { RECORDING_FILE_NAME } from '../market/recording/recording-format.js';
import { RecordingWriter } from '../market/recording/recording-writer.js';
import { ForecastTable } from '../ml/forecast-table.js';
import { servedLatencyModelPath } from '../ml/latency/latency-model-files.js';
import { Breaker, ControlBlock } from '../pipeline/control-block.js';
import { JournalDrain } from '../pipeline/journal-drain.js';
import { createPipelineHandles, settingsFromConfig } from '../pipeline/pipeline-handles.js';
import { PipelineMetrics } from '../pipeline/pipeline-metrics.js';
import { RecordingDrain } from '../pipeline/recording-drain.js';
import { isPolicyRouterName, policyProblem } from '../routing/create-policy-router.js';
import { AVAILABLE_ROUTERS } from '../routing/create-router.js';
import { backtestPhase } from './backtest-command.js';
import { BreakerWatch } from './breaker-watch.js';
import { parseChaos, scheduleChaos } from './chaos.js';
import type { HftConfig } from './config-types.js';
import { progressLine, summaryText } from './console-report.js';
import { ConfigError, RuntimeFault } from './errors.js';
import { healthReport } from './health-report.js';
import { type HttpServerHandle, startHttpServer } from './http-server.js';
import type { Logger } from './logger.js';
import { createMetricsRegistry } from './metrics.js';
import { RunState } from './run-state.js';
import { buildSummary, type RunSummary } from './run-summary.js';
import { haltAndSettle } from './shutdown.js';
import { Supervisor } from './supervisor.js';
import { createRestartPolicy } from './worker-restart.js';

export interface RunResult {
  summary: RunSummary & {
    recovery: RecoveredState | null;
    recording: { file: string; ticks: number; latency_samples: number; dropped: number };
  };
  reportDir: string;
}

/** Refuses, before anything starts, what this build cannot run. */
export function checkRunnable(cfg: HftConfig): void {
  const src = cfg.market.source;
  if (src === 'finnhub' && !cfg.secrets.finnhub_api_key) {
    throw new ConfigError('FINNHUB_API_KEY', 'must be set (environment or .env) for --source finnhub');
  }
  if (src.startsWith('replay:') && !existsSync(src.slice('replay:'.length))) {
    throw new ConfigError('--source', `recording not found: ${src.slice('replay:'.length)}`);
  }
  checkRouterAvailable(
    cfg.routing.router,
    'routing.router',
    cfg.market.venues.map((v) => v.name),
  );
}

/**
 * Refuses a router this build cannot serve: an unknown one, or a trained one without a model for
 * these venues (in this order: a policy's inputs and outputs are per venue).
 */
export function checkRouterAvailable(router: string, field: string, venues: readonly string[]): void {
  if (!(AVAILABLE_ROUTERS as readonly string[]).includes(router)) {
    throw new ConfigError(field, `unknown router "${router}"; use one of ${AVAILABLE_ROUTERS.join(', ')}`);
  }
  if (isPolicyRouterName(router)) {
    const why = policyProblem(router, venues);
    if (why !== null) throw new ConfigError(field, why);
  }
}

const JOURNAL_DRAIN_MS = 5;

function snapshotOf(r: RecoveredState): RecoveredSnapshot {
  return { positions: r.positions, openOrders: r.openOrders, maxClientOrderId: r.maxClientOrderId };
}

function feedSummary(m: PipelineMetrics) {
  const c = (n: string) => m.counters.byName(n);
  return {
    messages: c('feed_messages'),
    trades: c('feed_trades'),
    reconnects: c('feed_reconnects'),
    malformed: c('tick_reject_malformed'),
    oversized: c('tick_reject_oversized'),
  };
}

/** Symbols with bars in `hft history`'s cache; the others keep the built-in price and volatility. */
function cachedCalibration(
  symbols: readonly string[],
): Record<string, { price: number; volPerSqrtSec: number }> {
  const all = calibrateFromCache([...symbols], resolveCacheDir(process.env, process.cwd()));
  return Object.fromEntries(Object.entries(all).filter(([, c]) => c.source === 'cache'));
}

export function defaultReportDir(now = new Date()): string {
  return resolve(
    'reports',
    now
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replaceAll(':', '-'),
  );
}

export const JOURNAL_FILE = 'journal.hftj';

export async function runDaemon(
  cfg: HftConfig,
  log: Logger,
  out: (line: string) => void,
  recoverFrom: string | null = null,
): Promise<RunResult> {
  checkRunnable(cfg);
  const epochNs = process.hrtime.bigint();
  const nowNs = () => Number(process.hrtime.bigint() - epochNs);
  const registry = new Registry({
    symbols: cfg.trading.symbols,
    venues: cfg.market.venues.map((v) => v.name),
  });
  const reportDir = cfg.system.report_dir ? resolve(cfg.system.report_dir) : defaultReportDir();
  mkdirSync(reportDir, { recursive: true });
  if (existsSync(resolve(reportDir, JOURNAL_FILE))) {
    throw new ConfigError('--report', `${reportDir} already holds a run (journal.hftj); use a new directory`);
  }
  const recovery = recoverFrom ? replayJournal(recoverFrom) : null;
  if (recovery)
    log.info(
      {
        journal: recoverFrom,
        records: recovery.records,
        fills: recovery.fillsApplied,
        duplicate_fills: recovery.duplicateFills,
        open_orders: recovery.openOrders.length,
        truncated_bytes: recovery.truncatedBytes,
      },
      'recovered state from journal',
    );
  const calibration = cachedCalibration(registry.symbols);
  if (Object.keys(calibration).length > 0) {
    log.info({ symbols: Object.keys(calibration) }, 'simulated market calibrated from the history cache');
  }
  const latencyModelPath = servedLatencyModelPath(process.env);
  // Stamps count from epochNs; this maps them to wall-clock time (time-of-day features).
  const wallOffsetNs = Date.now() * 1e6 - Number(process.hrtime.bigint() - epochNs);
  const handles = createPipelineHandles(
    registry.toData(),
    { ...settingsFromConfig(cfg), recovery, calibration, latencyModelPath, wallOffsetNs },
    epochNs,
  );
  const journalWriter = new JournalWriter(
    resolve(reportDir, JOURNAL_FILE),
    registry.toData(),
    recovery && snapshotOf(recovery),
  );
  const journal = new JournalDrain(handles.journal!, journalWriter);
  const recordingWriter = new RecordingWriter(resolve(reportDir, RECORDING_FILE_NAME), {
    registry: registry.toData(),
    source: cfg.market.source,
    seed: cfg.market.seed,
  });
  const recording = new RecordingDrain(handles.recordTicks!, handles.recordSamples!, recordingWriter);
  const metrics = new PipelineMetrics(handles.metrics);
  const control = new ControlBlock(handles.control);
  const state = new RunState(registry, cfg, metrics, control);
  const restartPolicy = createRestartPolicy({
    handles,
    registry,
    metrics,
    control,
    journal,
    journalPath: journalWriter.path,
    log,
    maxRestarts: cfg.system.max_worker_restarts,
  });
  const supervisor = new Supervisor(handles, nowNs, cfg.system.heartbeat_timeout_ms, restartPolicy);
  const chaos = parseChaos(
    process.env.HFT_CHAOS,
    handles.hosts.map((h) => h.name),
  );
  log.info({ model: latencyModelPath ?? 'none (EWMA)' }, 'latency forecasts');
  const breakers = new BreakerWatch(control, registry, metrics, log);
  const killSwitch = (source: string) => {
    if (control.trip(Breaker.killSwitch))
      log.warn({ breaker: 'kill_switch', source }, 'kill switch: cancelling open orders, trading halted');
  };
  const onSigusr2 = () => killSwitch('SIGUSR2');
  process.on('SIGUSR2', onSigusr2);
  const hostNames = handles.hosts.map((h) => h.name);

  const health = () =>
    healthReport({
      workers: supervisor.health(),
      halted: state.halted(),
      breakers: breakers.status(),
      uptimeS: nowNs() / 1e9,
      heartbeatTimeoutMs: cfg.system.heartbeat_timeout_ms,
    });

  let server: HttpServerHandle | null = null;
  if (cfg.system.metrics_port > 0) {
    server = await startHttpServer(cfg.system.metrics_host, cfg.system.metrics_port, {
      prom: createMetricsRegistry(registry, metrics, state, breakers),
      health,
      dashboard: createLiveDashboard({
        registry,
        metrics,
        forecasts: new ForecastTable(handles.forecasts),
        risk: state,
        health,
        nowNs,
      }),
      onError: (err) => log.error({ err }, 'dashboard snapshot failed'),
      kill: () => killSwitch('POST /kill'),
      resume: () => {
        // The manual reset rule: an operator clears the kill switch, the loss limit and a ring fault.
        const cleared = [
          Breaker.killSwitch,
          Breaker.lossLimit,
          Breaker.drawdown,
          Breaker.orderRingFull,
        ].filter((b) => control.reset(b));
        log.warn(
          { breakers: cleared.map((b) => b.name), source: 'POST /resume' },
          'trading resumed by operator',
        );
        return cleared.map((b) => b.name);
      },
      adminToken: cfg.secrets.admin_token,
    }).catch((err: Error) => {
      throw new RuntimeFault(
        `cannot listen on ${cfg.system.metrics_host}:${cfg.system.metrics_port}: ${err.message}`,
      );
    });
    log.info(
      { url: `http://${cfg.system.metrics_host}:${cfg.system.metrics_port}/metrics` },
      'metrics server listening',
    );
  }

  log.info(
    {
      mode: cfg.system.mode,
      pipeline: cfg.system.pipeline,
      symbols: registry.symbols,
      venues: registry.venues,
      rate: cfg.market.rate,
      duration_s: cfg.system.duration_s,
      report_dir: reportDir,
    },
    'starting pipeline',
  );
  supervisor.on('stale', (h) =>
    log.warn({ host: h.name, heartbeat_age_ms: h.heartbeatAgeMs }, 'worker heartbeat late'),
  );
  const started = supervisor.start();
  const stopped = new Promise<string>((resolveStop) => {
    supervisor.on('fault', (f) => log.error({ host: f.host, err: f.error.message }, 'worker fault'));
    supervisor.on('restarted', (r) => log.warn(r, 'worker restarted'));
    supervisor.on('fatal', (f) => {
      log.error({ host: f.host, err: f.error.message }, 'worker fault is fatal: stopping the run');
      resolveStop('fault');
    });
    const onSignal = (sig: string) => () => resolveStop(sig);
    process.once('SIGINT', onSignal('SIGINT'));
    process.once('SIGTERM', onSignal('SIGTERM'));
    // The duration counts from the moment every worker runs, not from process start.
    started.then(
      () => setTimeout(() => resolveStop('duration'), cfg.system.duration_s * 1000).unref(),
      () => resolveStop('fault'),
    );
    // A replay ends the run when the recording is exhausted (after a moment for the last orders).
    const sourceWatch = setInterval(() => {
      if (control.sourceDone) {
        clearInterval(sourceWatch);
        setTimeout(() => resolveStop('source exhausted'), 200);
      }
    }, 50);
    sourceWatch.unref();
  });

  try {
    await started;
  } catch (err) {
    // A worker failed while building its stages: release the others and the port, then report.
    await supervisor.stop();
    server?.close();
    journalWriter.close();
    recordingWriter.close();
    process.off('SIGUSR2', onSigusr2);
    throw new RuntimeFault(`pipeline failed to start: ${(err as Error).message}`, {
      faults: supervisor.faults.map((f) => `${f.host}: ${f.error.message}`),
    });
  }
  const startNs = nowNs();
  const cancelChaos = scheduleChaos(chaos, supervisor, (e) => log.warn(e, 'HFT_CHAOS: injecting a fault'));
  // Off the hot path: every few ms the journal ring is written to the file (and so to the OS).
  const journalTimer = setInterval(() => {
    journal.drain();
    recording.drain();
  }, JOURNAL_DRAIN_MS);
  const breakerTimer = setInterval(() => breakers.poll(), 100);
  let lastTicks = 0;
  // A short run still shows a few progress lines.
  const intervalS = Math.min(cfg.system.progress_interval_s, Math.max(1, cfg.system.duration_s / 5));
  const progress = setInterval(() => {
    const line = progressLine(metrics, (nowNs() - startNs) / 1e9, lastTicks, intervalS);
    lastTicks = metrics.counters.byName('ticks_processed');
    if (cfg.system.log_level !== 'quiet') out(line);
  }, intervalS * 1000);

  const reason = await stopped;
  clearInterval(progress);
  const elapsedS = (nowNs() - startNs) / 1e9;
  log.info({ reason, elapsed_s: elapsedS }, 'stopping pipeline');
  cancelChaos();
  const shutdown =
    reason === 'fault'
      ? null
      : await haltAndSettle(control, metrics, cfg.system.on_shutdown, cfg.system.shutdown_timeout_ms);
  if (shutdown) log.info(shutdown, 'trading halted for shutdown');
  await supervisor.stop();
  clearInterval(journalTimer);
  clearInterval(breakerTimer);
  breakers.poll();
  process.off('SIGUSR2', onSigusr2);
  journal.drain();
  journalWriter.close();
  recording.drain();
  recordingWriter.close();
  server?.close();
  const summary = {
    ...buildSummary(cfg, registry, metrics, hostNames, elapsedS),
    journal: { file: journalWriter.path, records: journalWriter.records },
    recording: {
      file: recordingWriter.path,
      ticks: recordingWriter.ticks,
      latency_samples: recordingWriter.latencySamples,
      dropped: metrics.counters.byName('record_dropped'),
    },
    recovery,
    shutdown,
    reliability: {
      worker_faults: supervisor.faults.map((f) => ({ host: f.host, error: f.error.message })),
      worker_restarts: metrics.counters.byName('worker_restarts'),
      duplicate_reports_skipped: metrics.counters.byName('reports_duplicate'),
    },
    ...(cfg.market.source === 'finnhub' ? { feed: feedSummary(metrics) } : {}),
  };
  if (cfg.system.skip_backtest) log.info('backtest phase skipped (--skip-backtest)');
  else summary.backtest = await backtestPhase(cfg, recordingWriter.path, reportDir, log, out);
  writeFileSync(resolve(reportDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  if (cfg.system.log_level !== 'quiet') out(summaryText(summary, reportDir));
  if (reason === 'fault') {
    throw new RuntimeFault('a pipeline worker failed; the run was stopped', {
      faults: supervisor.faults.map((f) => `${f.host}: ${f.error.message}`),
    });
  }
  return { summary, reportDir };
}
