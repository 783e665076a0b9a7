/**
 * `hft backtest --data FILE --sweep GRID`: backtests every combination of the grid in parallel
 * on a piscina pool (one thread per core), shows a progress bar, and writes sweep.json plus the
 * best combination's summary.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { parse as parseYaml } from 'yaml';
import type { BacktestSummary } from '../backtest/backtest-result.js';
import { applyPoint, expandGrid, gridAxes, SweepGridError, type SweepPoint } from '../backtest/sweep-grid.js';
import type { HftConfig } from '../config/config-types.js';
import { revalidateConfig } from '../config/resolve-config.js';
import { ConfigError } from '../core/errors.js';
import type { SweepTask, SweepTaskResult } from '../workers/backtest-sweep.worker.js';
import { loadBacktestData } from './backtest-command.js';
import { checkRouterAvailable } from './run-preflight.js';

const WORKER = fileURLToPath(new URL('../workers/backtest-sweep.worker.js', import.meta.url));

export interface SweepOutcome {
  params: SweepPoint;
  summary: BacktestSummary;
}

export interface SweepReport {
  data: string;
  combinations: number;
  threads: number;
  /** Sum of the combinations' run times over the sweep's wall time: ~threads when every core was busy. */
  parallelism: number;
  /** Distinct pool threads that ran at least one combination. */
  threads_used: number;
  results: SweepOutcome[];
}

function readGrid(path: string, cfg: HftConfig): SweepPoint[] {
  let grid: unknown;
  try {
    grid = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError('--sweep', `cannot read ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    return expandGrid(gridAxes(grid, Object.keys(cfg.trading.strategy)));
  } catch (err) {
    if (err instanceof SweepGridError) throw new ConfigError('--sweep', `${path}: ${err.message}`);
    throw err;
  }
}

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} combinations`;
}

export async function runSweepCommand(
  cfg: HftConfig,
  opts: { data: string; sweep: string; reportDir: string },
  out: (line: string) => void,
): Promise<SweepReport> {
  // Refuse a bad file, or a router without a policy for its venues, before starting threads.
  const venues = loadBacktestData(opts.data).registry.venues;
  const points = readGrid(opts.sweep, cfg);
  const configs = points.map((p) => {
    const c = revalidateConfig(applyPoint(cfg, p), '--sweep');
    checkRouterAvailable(c.routing.router, '--sweep', venues);
    return c;
  });
  const threads = Math.max(1, Math.min(availableParallelism(), configs.length));
  const pool = new Piscina<SweepTask, SweepTaskResult>({
    filename: WORKER,
    minThreads: threads,
    maxThreads: threads,
  });
  const showProgress = cfg.system.log_level !== 'quiet' && process.stderr.isTTY !== false;
  let done = 0;
  const t0 = performance.timeOrigin + performance.now();
  try {
    const results = await Promise.all(
      configs.map(async (c) => {
        const r = await pool.run({ cfg: c, dataPath: resolve(opts.data) });
        done++;
        if (showProgress) process.stderr.write(progressBar(done, configs.length));
        return r;
      }),
    );
    if (showProgress) process.stderr.write('\n');
    const wallMs = performance.timeOrigin + performance.now() - t0;
    const busyMs = results.reduce((a, r) => a + (r.endMs - r.startMs), 0);
    const report: SweepReport = {
      data: opts.data,
      combinations: configs.length,
      threads,
      parallelism: Math.round((busyMs / wallMs) * 100) / 100,
      threads_used: new Set(results.map((r) => r.threadId)).size,
      results: results.map((r, i) => ({ params: points[i], summary: r.summary })),
    };
    mkdirSync(opts.reportDir, { recursive: true });
    writeFileSync(resolve(opts.reportDir, 'sweep.json'), `${JSON.stringify(report, null, 2)}\n`);
    if (cfg.system.log_level !== 'quiet') out(sweepTable(report, opts.reportDir));
    return report;
  } finally {
    await pool.destroy();
  }
}

function sweepTable(r: SweepReport, reportDir: string): string {
  const rows = [...r.results].sort((a, b) => b.summary.pnl.total - a.summary.pnl.total);
  const lines = rows.map((x) => {
    const params = Object.entries(x.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const s = x.summary;
    return `  ${s.pnl.total.toFixed(2).padStart(12)}  fill ${(s.fill_rate * 100).toFixed(1).padStart(5)}%  sent ${String(s.orders.sent).padStart(6)}  ${params}`;
  });
  return [
    `sweep: ${r.combinations} combinations on ${r.threads} threads (parallelism ${r.parallelism}x, ${r.threads_used} threads used)`,
    '         P&L        fill rate   orders  parameters',
    ...lines,
    `  results: ${resolve(reportDir, 'sweep.json')}`,
  ].join('\n');
}
