/**
 * `hft run`: the daemon. Builds the pipeline for the configured topology, serves metrics, prints
 * progress, stops at --duration or on SIGINT/SIGTERM, and writes summary.json.
 */
import type { HftConfig } from '../config/config-types.js';
import { RuntimeFault } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { buildDaemon, closeDaemonFiles } from './daemon-build.js';
import { runUntilStopped, type StoppedRun } from './daemon-run.js';
import { serveDaemon } from './daemon-serve.js';
import { type DaemonSummary, summariseRun } from './daemon-summary.js';

export interface RunResult {
  summary: DaemonSummary;
  reportDir: string;
}

export async function runDaemon(
  cfg: HftConfig,
  log: Logger,
  out: (line: string) => void,
  recoverFrom: string | null = null,
): Promise<RunResult> {
  const d = buildDaemon(cfg, log, recoverFrom);
  log.info({ model: d.latencyModelPath ?? 'none (EWMA)' }, 'latency forecasts');
  const onSigusr2 = () => d.killSwitch('SIGUSR2');
  process.on('SIGUSR2', onSigusr2);
  let run: StoppedRun;
  const server = await serveDaemon(d).catch((err: Error) => {
    process.off('SIGUSR2', onSigusr2);
    closeDaemonFiles(d);
    throw err;
  });
  try {
    run = await runUntilStopped(d, out);
  } finally {
    process.off('SIGUSR2', onSigusr2);
    closeDaemonFiles(d);
    server?.close();
  }
  const summary = await summariseRun(d, run, out);
  if (run.reason === 'fault') {
    throw new RuntimeFault('a pipeline worker failed; the run was stopped', {
      faults: d.supervisor.faults.map((f) => `${f.host}: ${f.error.message}`),
    });
  }
  return { summary, reportDir: d.reportDir };
}
