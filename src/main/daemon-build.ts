/**
 * The daemon's parts, built and wired but not started: registry, shared memory, journal and
 * recording drains, run state, supervisor, breaker watch and the kill switch.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createAdoptionMailbox } from '../cluster/adoption-mailbox.js';
import type { HftConfig } from '../config/config-types.js';
import type { Logger } from '../core/logger.js';
import { Registry } from '../core/registry.js';
import { JournalWriter } from '../execution/journal-file.js';
import { type RecoveredState, replayJournal } from '../execution/journal-replay.js';
import { calibrateFromCache } from '../market/history/calibration.js';
import { resolveCacheDir } from '../market/history/history-cache.js';
import { RECORDING_FILE_NAME } from '../market/recording/recording-format.js';
import { RecordingWriter } from '../market/recording/recording-writer.js';
import { servedLatencyModelPath } from '../ml/latency/latency-model-files.js';
import { BreakerWatch } from '../monitoring/breaker-watch.js';
import { JournalDrain } from '../pipeline/journal-drain.js';
import {
  createPipelineHandles,
  type PipelineHandles,
  settingsFromConfig,
} from '../pipeline/pipeline-handles.js';
import { RecordingDrain } from '../pipeline/recording-drain.js';
import { Breaker, ControlBlock } from '../run-state/control-block.js';
import { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import { RunState } from '../run-state/run-state.js';
import { type ChaosEvent, parseChaos } from './chaos.js';
import { checkReportDir, checkRunnable, checkSymbolsServed, JOURNAL_FILE } from './run-preflight.js';
import { StopSignals } from './stop-signals.js';
import { Supervisor } from './supervisor.js';
import { createRestartPolicy } from './worker-restart.js';

export interface Daemon {
  readonly cfg: HftConfig;
  readonly log: Logger;
  readonly reportDir: string;
  readonly registry: Registry;
  readonly recovery: RecoveredState | null;
  readonly latencyModelPath: string | null;
  readonly handles: PipelineHandles;
  readonly journalWriter: JournalWriter;
  readonly journal: JournalDrain;
  /** Null with system.record off (--no-record). */
  readonly recordingWriter: RecordingWriter | null;
  readonly recording: RecordingDrain | null;
  readonly metrics: PipelineMetrics;
  readonly control: ControlBlock;
  readonly state: RunState;
  readonly supervisor: Supervisor;
  readonly breakers: BreakerWatch;
  readonly hostNames: string[];
  /** Faults HFT_CHAOS asks to inject (tests of the restart path). */
  readonly chaos: ChaosEvent[];
  /** Nanoseconds since the run's epoch, the clock every worker stamps with. */
  readonly nowNs: () => number;
  /** Trips the kill switch (once) and says who asked. */
  readonly killSwitch: (source: string) => void;
  /** SIGINT/SIGTERM: the first stops the run in order, a second hurries it (stop-signals.ts). */
  readonly signals: StopSignals;
}

/** Symbols with bars in `hft history`'s cache; the others keep the built-in price and volatility. */
function cachedCalibration(
  symbols: readonly string[],
): Record<string, { price: number; volPerSqrtSec: number }> {
  const all = calibrateFromCache([...symbols], resolveCacheDir(process.env, process.cwd()));
  return Object.fromEntries(Object.entries(all).filter(([, c]) => c.source === 'cache'));
}

function recoverFromJournal(path: string | null, log: Logger): RecoveredState | null {
  if (path === null) return null;
  const recovery = replayJournal(path);
  log.info(
    {
      journal: path,
      records: recovery.records,
      fills: recovery.fillsApplied,
      duplicate_fills: recovery.duplicateFills,
      open_orders: recovery.openOrders.length,
      truncated_bytes: recovery.truncatedBytes,
    },
    'recovered state from journal',
  );
  return recovery;
}

/** What a cluster daemon's pipeline needs beyond its config (src/main/daemon-cluster.ts). */
export interface ClusterBuild {
  /** This run's client order ids start above this: each run of the cluster has its own range. */
  readonly clientOrderIdBase: number;
  /** Records the takeover mailbox holds at once. */
  readonly adoptionCapacity: number;
}

export function buildDaemon(
  cfg: HftConfig,
  log: Logger,
  recoverFrom: string | null,
  cluster: ClusterBuild | null = null,
): Daemon {
  checkRunnable(cfg);
  const epochNs = process.hrtime.bigint();
  const nowNs = () => Number(process.hrtime.bigint() - epochNs);
  const registry = new Registry({
    symbols: cfg.trading.symbols,
    venues: cfg.market.venues.map((v) => v.name),
  });
  const reportDir = checkReportDir(cfg);
  const calibration = cachedCalibration(registry.symbols);
  checkSymbolsServed(cfg, Object.keys(calibration));
  const recovery = recoverFromJournal(recoverFrom, log);
  if (Object.keys(calibration).length > 0) {
    log.info({ symbols: Object.keys(calibration) }, 'simulated market calibrated from the history cache');
  }
  const latencyModelPath = servedLatencyModelPath(process.env);
  // Stamps count from epochNs; this maps them to wall-clock time (time-of-day features).
  const wallOffsetNs = Date.now() * 1e6 - nowNs();
  const ids = cluster && { generation: 0, clientOrderIdBase: cluster.clientOrderIdBase, execIdBase: 0 };
  const handles: PipelineHandles = {
    ...createPipelineHandles(
      registry.toData(),
      {
        ...settingsFromConfig(cfg),
        recovery,
        calibration,
        latencyModelPath,
        wallOffsetNs,
        restart: ids ?? undefined,
      },
      epochNs,
    ),
    ...(cluster && { adoption: createAdoptionMailbox(cluster.adoptionCapacity) }),
  };
  const hostNames = handles.hosts.map((h) => h.name);
  // Refused before any file or folder is made.
  const chaos = parseChaos(process.env.HFT_CHAOS, hostNames);
  mkdirSync(reportDir, { recursive: true });
  const snapshot = recovery && {
    positions: recovery.positions,
    openOrders: recovery.openOrders,
    maxClientOrderId: recovery.maxClientOrderId,
  };
  const journalWriter = new JournalWriter(resolve(reportDir, JOURNAL_FILE), registry.toData(), snapshot);
  const journal = new JournalDrain(handles.journal!, journalWriter);
  const { recordingWriter, recording } = openRecording(cfg, reportDir, registry, handles, log);
  const metrics = new PipelineMetrics(handles.metrics);
  const control = new ControlBlock(handles.control);
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
  const killSwitch = (source: string) => {
    if (control.trip(Breaker.killSwitch))
      log.warn({ breaker: 'kill_switch', source }, 'kill switch: cancelling open orders, trading halted');
  };
  return {
    cfg,
    log,
    reportDir,
    registry,
    recovery,
    latencyModelPath,
    handles,
    journalWriter,
    journal,
    recordingWriter,
    recording,
    metrics,
    control,
    state: new RunState(registry, cfg, metrics, control),
    supervisor: new Supervisor(handles, nowNs, cfg.system.heartbeat_timeout_ms, restartPolicy),
    breakers: new BreakerWatch(control, registry, metrics, log),
    hostNames,
    chaos,
    nowNs,
    killSwitch,
    signals: new StopSignals(log),
  };
}

/** Closes the files and releases what the daemon holds outside its workers. */
export function closeDaemonFiles(d: Daemon): void {
  d.journal.drain();
  d.journalWriter.close();
  d.recording?.drain();
  d.recordingWriter?.close();
}

const MB = 1024 * 1024;

/** record.hftrec and its drain, up to system.record_max_mb; none with system.record off. */
function openRecording(
  cfg: HftConfig,
  reportDir: string,
  registry: Registry,
  handles: PipelineHandles,
  log: Logger,
): { recordingWriter: RecordingWriter | null; recording: RecordingDrain | null } {
  if (!cfg.system.record) {
    log.info('recording off (--no-record): no record.hftrec, no backtest phase');
    return { recordingWriter: null, recording: null };
  }
  const maxMb = cfg.system.record_max_mb;
  const recordingWriter = new RecordingWriter(resolve(reportDir, RECORDING_FILE_NAME), {
    registry: registry.toData(),
    source: cfg.market.source,
    seed: cfg.market.seed,
    maxBytes: maxMb > 0 ? maxMb * MB : Number.POSITIVE_INFINITY,
  });
  const recording = new RecordingDrain(handles.recordTicks!, handles.recordSamples!, recordingWriter, () =>
    log.warn(
      { file: recordingWriter.path, max_mb: maxMb },
      'recording reached system.record_max_mb: later ticks are not recorded (the run goes on; the backtest phase covers what was recorded)',
    ),
  );
  return { recordingWriter, recording };
}
