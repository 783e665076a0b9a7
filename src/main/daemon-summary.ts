/** summary.json of a finished run (docs/contract.md), the backtest phase after it, and the console summary. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MembershipSummary } from '../cluster/cluster-membership.js';
import type { RecoveredState } from '../execution/journal-replay.js';
import { FEED_DROP_REASONS } from '../market/anchored-sim-source.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import { buildSummary } from '../run-state/run-summary.js';
import { backtestPhase } from './backtest-command.js';
import { summaryText } from './console-report.js';
import type { Daemon } from './daemon-build.js';
import type { StoppedRun } from './daemon-run.js';

/** summary.json of a daemon run: the contract's fields plus journal, recording, recovery, shutdown and reliability. */
export type DaemonSummary = ReturnType<typeof runSummary>;

function feedSummary(m: PipelineMetrics) {
  const c = (n: string) => m.counters.byName(n);
  return {
    messages: c('feed_messages'),
    trades: c('feed_trades'),
    reconnects: c('feed_reconnects'),
    malformed: c('tick_reject_malformed'),
    oversized: c('tick_reject_oversized'),
    /** Every frame or trade not used, by reason (the same counts as hft_ticks_dropped_total{reason}). */
    dropped: Object.fromEntries(FEED_DROP_REASONS.map((r) => [r, c(`tick_reject_${r}`)])),
  };
}

function recordingSummary(d: Daemon) {
  const w = d.recordingWriter;
  return {
    file: w?.path ?? null,
    ticks: w?.ticks ?? 0,
    latency_samples: w?.latencySamples ?? 0,
    dropped: d.metrics.counters.byName('record_dropped'),
    bytes: w?.bytesWritten ?? 0,
    /** Frames not written because the file reached system.record_max_mb. */
    dropped_at_limit: w?.refusedAtLimit ?? 0,
    max_mb: d.cfg.system.record ? d.cfg.system.record_max_mb : null,
  };
}

function runSummary(
  d: Daemon,
  run: StoppedRun,
  cluster:
    | (MembershipSummary & { budget: Record<string, number>; journal_stream: Record<string, unknown> })
    | null,
) {
  const { cfg, metrics, supervisor } = d;
  return {
    ...buildSummary(cfg, d.registry, metrics, d.hostNames, run.elapsedS),
    journal: { file: d.journalWriter.path, records: d.journalWriter.records },
    recording: recordingSummary(d),
    recovery: d.recovery as RecoveredState | null,
    shutdown: run.shutdown,
    reliability: {
      worker_faults: supervisor.faults.map((f) => ({ host: f.host, error: f.error.message })),
      worker_restarts: metrics.counters.byName('worker_restarts'),
      duplicate_reports_skipped: metrics.counters.byName('reports_duplicate'),
    },
    ...(cluster !== null ? { cluster } : {}),
    ...(cfg.market.source === 'finnhub' ? { feed: feedSummary(metrics) } : {}),
    ...(cfg.market.source.startsWith('replay:')
      ? { replay: { truncated_bytes: metrics.counters.byName('replay_truncated_bytes') } }
      : {}),
  };
}

/** Builds the summary, runs the backtest phase unless skipped, writes summary.json and prints it. */
export async function summariseRun(
  d: Daemon,
  run: StoppedRun,
  out: (line: string) => void,
  cluster:
    | (MembershipSummary & { budget: Record<string, number>; journal_stream: Record<string, unknown> })
    | null = null,
): Promise<DaemonSummary> {
  const { cfg, log } = d;
  const summary = runSummary(d, run, cluster);
  const file = resolve(d.reportDir, 'summary.json');
  const write = () => writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  // Written before the backtest phase too: the backtest runs on this thread without yielding,
  // so no signal handler can run during it; Ctrl-C then stops the process at once (the default)
  // and the run's summary is already on disk.
  write();
  d.signals.dispose();
  if (cfg.system.skip_backtest) log.info('backtest phase skipped (--skip-backtest)');
  else if (d.signals.hurried) log.warn('backtest phase skipped (second signal)');
  else if (d.recordingWriter === null) log.info('backtest phase skipped (recording off)');
  else {
    log.info({ summary: file }, 'backtest phase: summary.json is written; Ctrl-C now stops at once');
    summary.backtest = await backtestPhase(cfg, d.recordingWriter.path, d.reportDir, log, out);
    write();
  }
  if (cfg.system.log_level !== 'quiet') out(summaryText(summary, d.reportDir));
  return summary;
}
