/**
 * The daemon from start to stop: workers started, off-hot-path drains and progress on timers,
 * then halt, settle and stop at --duration, on SIGINT/SIGTERM, at the end of a replay or on a
 * fatal worker fault.
 */
import { RuntimeFault } from '../core/errors.js';
import { scheduleChaos } from './chaos.js';
import { progressLine } from './console-report.js';
import type { Daemon } from './daemon-build.js';
import { openPolicyLog } from './policy-log-file.js';
import { haltAndSettle, type ShutdownReport } from './shutdown.js';

const JOURNAL_DRAIN_MS = 5;
const BREAKER_POLL_MS = 100;
const SOURCE_POLL_MS = 50;
/** After a replay is exhausted, a moment for the last orders to reach the venue. */
const SOURCE_DONE_GRACE_MS = 200;

export interface StoppedRun {
  /** duration, SIGINT, SIGTERM, source exhausted or fault. */
  reason: string;
  elapsedS: number;
  shutdown: ShutdownReport | null;
}

/** Resolves with the reason the run should stop; the duration counts from the moment every worker runs. */
function stopSignal(d: Daemon, started: Promise<void>): Promise<string> {
  return new Promise<string>((resolveStop) => {
    d.supervisor.on('fault', (f) => d.log.error({ host: f.host, err: f.error.message }, 'worker fault'));
    d.supervisor.on('restarted', (r) => d.log.warn(r, 'worker restarted'));
    d.supervisor.on('fatal', (f) => {
      d.log.error({ host: f.host, err: f.error.message }, 'worker fault is fatal: stopping the run');
      resolveStop('fault');
    });
    d.signals.first.then(resolveStop);
    started.then(
      () => setTimeout(() => resolveStop('duration'), d.cfg.system.duration_s * 1000).unref(),
      () => resolveStop('fault'),
    );
    const sourceWatch = setInterval(() => {
      if (d.control.sourceDone) {
        clearInterval(sourceWatch);
        setTimeout(() => resolveStop('source exhausted'), SOURCE_DONE_GRACE_MS);
      }
    }, SOURCE_POLL_MS);
    sourceWatch.unref();
  });
}

/** verbose: per-stage and tick-to-order percentiles; debug: every counter, by name. */
function logPipelineStats(d: Daemon): void {
  if (d.log.isLevelEnabled('debug')) {
    const h = d.metrics.hist;
    const p = (x: { summaryUs(): { p50: number; p99: number } }) => {
      const s = x.summaryUs();
      return `${s.p50}/${s.p99}`;
    };
    d.log.debug(
      {
        tick_to_order_p50_p99_us: p(h.tick_to_order),
        stages_p50_p99_us: {
          ingest: p(h.stage_ingest),
          route: p(h.stage_route),
          risk: p(h.stage_risk),
          execute: p(h.stage_execute),
        },
        workers: d.supervisor.health(),
      },
      'pipeline stats',
    );
  }
  if (d.log.isLevelEnabled('trace')) {
    const c = d.metrics.counters;
    d.log.trace(
      { counters: Object.fromEntries(c.handle.names.map((n: string) => [n, c.byName(n)])) },
      'counters',
    );
  }
}

/** Journal and recording drains, the breaker watch and the progress line, every few ms or seconds. */
function startTimers(
  d: Daemon,
  startNs: number,
  out: (line: string) => void,
): { stopProgress: () => void; stopDrains: () => void } {
  const sys = d.cfg.system;
  const policyLog = openPolicyLog(d);
  const drains = setInterval(() => {
    d.journal.drain();
    d.recording?.drain();
    policyLog?.drain();
  }, JOURNAL_DRAIN_MS);
  const breakers = setInterval(() => d.breakers.poll(), BREAKER_POLL_MS);
  let lastTicks = 0;
  // A short run still shows a few progress lines.
  const intervalS = Math.min(sys.progress_interval_s, Math.max(1, sys.duration_s / 5));
  const progress = setInterval(() => {
    const line = progressLine(d.metrics, (d.nowNs() - startNs) / 1e9, lastTicks, intervalS);
    lastTicks = d.metrics.counters.byName('ticks_processed');
    if (sys.log_level !== 'quiet') out(line);
    logPipelineStats(d);
  }, intervalS * 1000);
  return {
    stopProgress: () => clearInterval(progress),
    stopDrains: () => {
      clearInterval(drains);
      policyLog?.close();
      if (policyLog !== null && policyLog.droppedAtLimit > 0)
        d.log.warn(
          { file: policyLog.path, frames: policyLog.frames, dropped_at_limit: policyLog.droppedAtLimit },
          'the policy input log reached system.record_max_mb: the backtest replays the live decisions up to there',
        );
      clearInterval(breakers);
    },
  };
}

export async function runUntilStopped(d: Daemon, out: (line: string) => void): Promise<StoppedRun> {
  const { cfg, log, supervisor } = d;
  log.info(
    {
      mode: cfg.system.mode,
      pipeline: cfg.system.pipeline,
      symbols: d.registry.symbols,
      venues: d.registry.venues,
      rate: cfg.market.rate,
      duration_s: cfg.system.duration_s,
      report_dir: d.reportDir,
    },
    'starting pipeline',
  );
  log.debug({ config: cfg }, 'resolved configuration');
  supervisor.on('spawned', (w) => log.debug(w, 'worker started'));
  supervisor.on('exited', (w) => log.debug(w, 'worker ended'));
  supervisor.on('stale', (h) =>
    log.warn({ host: h.name, heartbeat_age_ms: h.heartbeatAgeMs }, 'worker heartbeat late'),
  );
  const started = supervisor.start();
  const stopped = stopSignal(d, started);
  try {
    await started;
  } catch (err) {
    // A worker failed while building its stages: release the others, then report.
    await supervisor.stop();
    throw new RuntimeFault(`pipeline failed to start: ${(err as Error).message}`, {
      faults: supervisor.faults.map((f) => `${f.host}: ${f.error.message}`),
    });
  }
  const startNs = d.nowNs();
  const cancelChaos = scheduleChaos(d.chaos, supervisor, (e) => log.warn(e, 'HFT_CHAOS: injecting a fault'));
  const timers = startTimers(d, startNs, out);
  const reason = await stopped;
  d.signals.stopping();
  timers.stopProgress();
  const elapsedS = (d.nowNs() - startNs) / 1e9;
  log.info({ reason, elapsed_s: elapsedS }, 'stopping pipeline');
  cancelChaos();
  const shutdown =
    reason === 'fault'
      ? null
      : await haltAndSettle(
          d.control,
          d.metrics,
          cfg.system.on_shutdown,
          cfg.system.shutdown_timeout_ms,
          d.signals.hurry.signal,
        );
  if (shutdown) log.info(shutdown, 'trading halted for shutdown');
  await supervisor.stop();
  timers.stopDrains();
  d.breakers.poll();
  return { reason, elapsedS, shutdown };
}
