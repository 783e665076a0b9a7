/**
 * `hft backtest --data FILE` and the backtest phase of `hft run`: loads a recording, runs the
 * backtester over it, writes summary.json and report.html to the report directory.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BacktestData, loadRecording } from '../backtest/backtest-data.js';
import { BacktestInputError, type BacktestRun, runBacktest } from '../backtest/backtest-engine.js';
import type { BacktestResult, BacktestSummary } from '../backtest/backtest-result.js';
import { describeAgreement } from '../backtest/decision-comparison.js';
import type { HftConfig } from '../config/config-types.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { RecordingFormatError } from '../market/recording/recording-format.js';
import { checkRouterAvailable } from './run-preflight.js';

export const REPORT_HTML = 'report.html';

/** Loads `path` as backtest data; a missing or unreadable file is the user's to fix (exit 2). */
export function loadBacktestData(path: string, flag = '--data'): BacktestData {
  if (!existsSync(path)) throw new ConfigError(flag, `file not found: ${path}`);
  try {
    return loadRecording(path);
  } catch (err) {
    if (err instanceof RecordingFormatError) throw new ConfigError(flag, err.message);
    throw err;
  }
}

/** Runs the backtest; data that does not fit the config (an unconfigured venue) is exit 2. */
export function backtestData(cfg: HftConfig, data: BacktestData): BacktestRun & { seconds: number } {
  const t0 = performance.now();
  try {
    const run = runBacktest(cfg, data);
    return { ...run, seconds: (performance.now() - t0) / 1e3 };
  } catch (err) {
    if (err instanceof BacktestInputError) throw new ConfigError('--data', err.message);
    throw err;
  }
}

/** report.html beside summary.json. */
export async function writeBacktestReport(reportDir: string, result: BacktestResult): Promise<string> {
  const { renderReportHtml } = await import('../backtest/report/report-html.js');
  const file = resolve(reportDir, REPORT_HTML);
  writeFileSync(file, renderReportHtml(result));
  return file;
}

export function backtestText(run: BacktestRun & { seconds: number }, reportDir: string): string {
  const b = run.result.summary;
  const usd = (x: number) =>
    x.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  const venues = Object.entries(b.by_venue)
    .map(
      ([name, v]) =>
        `  ${name.padEnd(12)} sent ${v.sent}, fill rate ${(v.fill_rate * 100).toFixed(1)}%, ack p50 ${v.ack_us.p50.toFixed(0)} us, P&L ${usd(v.pnl)}`,
    )
    .join('\n');
  return [
    `backtest of ${b.data}: ${b.sim_seconds.toFixed(1)} s of market, ${run.events.toLocaleString()} events in ${run.seconds.toFixed(2)} s (${Math.round(run.events / Math.max(run.seconds, 1e-9)).toLocaleString()} events/s)`,
    `  models: order latency ${b.models.order_latency} x${b.models.latency_multiplier}, queue ${b.models.queue}; router ${b.router}, strategy ${b.strategy}`,
    `  orders sent ${b.orders.sent}, filled ${b.orders.filled} (${(b.fill_rate * 100).toFixed(1)}%), risk rejected ${b.orders.rejected_risk}`,
    `  P&L total ${usd(b.pnl.total)} (realized ${usd(b.pnl.realized)}, unrealized ${usd(b.pnl.unrealized)}, fees ${usd(b.pnl.fees)}), max drawdown ${usd(b.max_drawdown)}`,
    `  routing: hindsight-best venue chosen ${(b.routing.match_rate * 100).toFixed(1)}% of ${b.routing.decisions}, regret ${b.routing.regret_bps.toFixed(3)} bps`,
    ...(b.decisions === undefined
      ? []
      : [
          `  decisions vs live: ${describeAgreement(b.decisions)}${b.models.policy_inputs ? `, policy inputs ${b.models.policy_inputs}` : ''}`,
        ]),
    venues,
    `  report: ${reportDir}`,
  ].join('\n');
}

export interface BacktestCommandOptions {
  data: string;
  reportDir: string;
}

export async function runBacktestCommand(
  cfg: HftConfig,
  opts: BacktestCommandOptions,
  out: (line: string) => void,
): Promise<BacktestRun> {
  const data = loadBacktestData(opts.data);
  // A trained router needs a policy trained for the data's venues.
  checkRouterAvailable(cfg.routing.router, '--router', data.registry.venues);
  const run = backtestData(cfg, data);
  mkdirSync(opts.reportDir, { recursive: true });
  writeFileSync(resolve(opts.reportDir, 'summary.json'), `${JSON.stringify(run.summary, null, 2)}\n`);
  await writeBacktestReport(opts.reportDir, run.result);
  if (cfg.system.log_level !== 'quiet') out(backtestText(run, opts.reportDir));
  return run;
}

/**
 * The backtest phase: the run's own recording replayed through the same stages on a simulated
 * clock, with the order latencies the run measured. A failure here is logged, never fatal: the
 * live run's summary is still written.
 */
export async function backtestPhase(
  cfg: HftConfig,
  recordingPath: string,
  reportDir: string,
  log: Logger,
  out: (line: string) => void,
): Promise<BacktestSummary | null> {
  try {
    const run = backtestData(cfg, loadBacktestData(recordingPath, 'recording'));
    await writeBacktestReport(reportDir, run.result);
    if (cfg.system.log_level !== 'quiet') out(backtestText(run, reportDir));
    return run.result.summary;
  } catch (err) {
    log.error({ err: (err as Error).message }, 'backtest phase failed; summary.backtest is null');
    return null;
  }
}
