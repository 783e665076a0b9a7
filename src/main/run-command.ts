/**
 * `hft run`: the daemon. Builds the pipeline for the configured topology, serves metrics, prints
 * progress, stops at --duration or on SIGINT/SIGTERM, and writes summary.json.
 */

import type { HftConfig } from '../config/config-types.js';
import { RuntimeFault } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { readLatencyMetadata } from '../ml/latency/latency-model-files.js';
import { buildDaemon, closeDaemonFiles, type Daemon } from './daemon-build.js';
import { clusterBuild, DaemonCluster, joinCluster, shardConfig } from './daemon-cluster.js';
import { runUntilStopped, type StoppedRun } from './daemon-run.js';
import { serveDaemon } from './daemon-serve.js';
import { type DaemonSummary, summariseRun } from './daemon-summary.js';
import type { HttpServerHandle } from './http-server.js';
import { latencyVerdict } from './model-install.js';
import { checkVenueSource } from './venue-source-check.js';

export interface RunResult {
  summary: DaemonSummary;
  reportDir: string;
}

/** Names the latency model served, and warns when it lost to its baseline on its own held-out data. */
function logServedLatencyModel(path: string | null, log: Logger): void {
  log.info({ model: path ?? 'none (EWMA)' }, 'latency forecasts');
  if (path === null) return;
  let m: { improvement_vs_best?: number; best_baseline?: string };
  try {
    m = readLatencyMetadata(path).metrics ?? {};
  } catch {
    return; // the predict stage refuses the model itself, with the reason
  }
  if (typeof m.improvement_vs_best !== 'number') return;
  const verdict = latencyVerdict(m.improvement_vs_best, m.best_baseline ?? 'best');
  if (!verdict.beats)
    log.warn(
      { model: path, held_out: verdict.summary },
      'served latency model is worse than its baseline; HFT_LATENCY_MODEL=none serves the EWMA',
    );
}

export async function runDaemon(
  cfg: HftConfig,
  log: Logger,
  out: (line: string) => void,
  recoverFrom: string | null = null,
): Promise<RunResult> {
  await checkVenueSource(cfg);
  const runCfg = shardConfig(cfg);
  const joined = await joinCluster(runCfg, log, recoverFrom);
  let d: Daemon;
  try {
    // --recover cluster: the shard's state is adopted once the daemon is built (daemon-cluster.ts).
    const fromFile = joined?.recovered ? null : recoverFrom;
    d = buildDaemon(runCfg, log, fromFile, clusterBuild(joined, runCfg));
  } catch (err) {
    await joined?.member.leave();
    throw err;
  }
  logServedLatencyModel(d.latencyModelPath, log);
  const onSigusr2 = () => d.killSwitch('SIGUSR2');
  process.on('SIGUSR2', onSigusr2);
  let cluster: DaemonCluster | null = null;
  const settledExposure = () => d.metrics.counters.byName('gross_notional');
  try {
    cluster = joined && (await DaemonCluster.attach(joined, d));
    const run = await serveAndRun(d, out);
    await cluster?.leave(settledExposure());
    const summary = await summariseRun(d, run, out, cluster?.summary(d) ?? null);
    if (run.reason === 'fault') {
      throw new RuntimeFault('a pipeline worker failed; the run was stopped', {
        faults: d.supervisor.faults.map((f) => `${f.host}: ${f.error.message}`),
      });
    }
    return { summary, reportDir: d.reportDir };
  } finally {
    // On every path, the process's signal handlers are the defaults again.
    process.off('SIGUSR2', onSigusr2);
    d.signals.dispose();
    if (cluster !== null) await cluster.leave(settledExposure());
    else await joined?.member.leave();
  }
}

/** Serves HTTP and runs the pipeline until it stops; the files and the port are released either way. */
async function serveAndRun(d: Daemon, out: (line: string) => void): Promise<StoppedRun> {
  let server: HttpServerHandle | null = null;
  try {
    server = await serveDaemon(d);
    return await runUntilStopped(d, out);
  } finally {
    closeDaemonFiles(d);
    server?.close();
  }
}
