/**
 * Starts one worker per host of the topology, watches their heartbeats, restarts a worker that
 * throws or exits (up to a limit, after the caller has reconciled what it held), and stops them
 * all cleanly. Past the limit a fault is fatal: the run stops and the fault is reported.
 */
import { EventEmitter } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { HostHealth } from '../monitoring/health-report.js';
import type { PipelineHandles } from '../pipeline/pipeline-handles.js';
import { ControlBlock } from '../run-state/control-block.js';
import { Doorbell } from '../shm/doorbell.js';
import type { StageHostWorkerData } from '../workers/stage-host.worker.js';

const WORKER_URL = new URL('../workers/stage-host.worker.js', import.meta.url);
/**
 * Every clock read allocates a 16-byte heap number on Node 20 (native `performance.now`), and V8
 * starts each isolate with a 1 MB semi-space, so the workers would scavenge several times a
 * second. Starting them at 64 MB (V8 reads the flag when a worker's heap is created) makes that a
 * scavenge every few million ticks; a scavenge's pause depends on live objects, which stay small.
 */
const WORKER_SEMI_SPACE_MB = 64;
const WORKER_YOUNG_GENERATION_MB = 3 * WORKER_SEMI_SPACE_MB;
/** V8's defaults are 460 bytecodes per inlined function, 920 cumulative and 4600 absolute. */
const INLINE_BYTECODE_SIZE = 2000;
const INLINE_BYTECODE_CUMULATIVE = 10000;
const INLINE_BYTECODE_ABSOLUTE = 10000;

/**
 * The inlining budget the workers run with (set before they start; the garbage bench and its test
 * apply it to their own thread). A float64 passed to or returned from a JS call that TurboFan does
 * not inline is boxed into a new heap number; the default budget leaves the per-tick calls of the
 * simulated market and ingest out-of-line (180-320 bytes of garbage per tick). The absolute cap
 * bounds the cumulative one: at 5000 cumulative and the default 4600 absolute, a few per-tick
 * draws of the simulated market stayed out-of-line at full rate (64 bytes per tick; 0.7 with
 * both at 6000 or more; docs/benchmarks.md "Garbage per tick").
 */
export function raiseInliningBudget(): void {
  setFlagsFromString(`--max-inlined-bytecode-size=${INLINE_BYTECODE_SIZE}`);
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINE_BYTECODE_CUMULATIVE}`);
  setFlagsFromString(`--max-inlined-bytecode-size-absolute=${INLINE_BYTECODE_ABSOLUTE}`);
}

export interface WorkerFault {
  host: string;
  error: Error;
}

export interface RestartPolicy {
  /** Restarts allowed per host; the next fault of that host stops the run. */
  readonly maxRestarts: number;
  /** Reconciles what the dead host held and returns the handles its successor starts from. */
  readonly prepare: (hostIndex: number) => Promise<PipelineHandles>;
}

type SupervisorEvents = {
  fault: [WorkerFault];
  restarted: [{ host: string; restarts: number }];
  fatal: [WorkerFault];
  stale: [HostHealth];
  /** A worker thread was started (verbose logs). */
  spawned: [{ host: string; threadId: number }];
  /** A worker thread ended (verbose logs). */
  exited: [{ host: string; code: number }];
};

export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly control: ControlBlock;
  private readonly workers: (Worker | null)[] = [];
  private readonly exits: Promise<void>[] = [];
  private readonly alive: boolean[] = [];
  private readonly restarts: number[] = [];
  private readonly lastError: (Error | null)[] = [];
  private watchdog: NodeJS.Timeout | null = null;
  private stopping = false;
  private started = false;
  readonly faults: WorkerFault[] = [];

  constructor(
    private readonly handles: PipelineHandles,
    private readonly nowNs: () => number,
    private readonly heartbeatTimeoutMs: number,
    private readonly restartPolicy: RestartPolicy | null = null,
  ) {
    super();
    this.control = new ControlBlock(handles.control);
  }

  /** Spawns every host and resolves once all of them are built and released together. */
  async start(): Promise<void> {
    setFlagsFromString(`--min-semi-space-size=${WORKER_SEMI_SPACE_MB}`);
    // The memory reducer shrinks a heap it thinks idle with a full, non-incremental mark-compact:
    // measured in every worker every ~15 s, 33-69 ms each (docs/benchmarks.md).
    setFlagsFromString('--no-memory-reducer');
    raiseInliningBudget();
    this.handles.hosts.forEach((_, hostIndex) => {
      this.restarts[hostIndex] = 0;
      this.spawn(hostIndex, this.handles);
    });
    while (this.control.readyCount() < this.handles.hosts.length) {
      if (this.faults.length > 0) throw this.faults[0].error;
      await new Promise((r) => setTimeout(r, 2));
    }
    this.control.go();
    this.started = true;
    this.watchdog = setInterval(() => this.checkHeartbeats(), Math.max(50, this.heartbeatTimeoutMs / 4));
    this.watchdog.unref();
  }

  private spawn(hostIndex: number, handles: PipelineHandles): void {
    const host = handles.hosts[hostIndex];
    const data: StageHostWorkerData = { handles, hostIndex };
    const worker = new Worker(WORKER_URL, {
      workerData: data,
      name: `hft-${host.name}`,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    this.workers[hostIndex] = worker;
    this.alive[hostIndex] = true;
    this.lastError[hostIndex] = null;
    this.control.beat(hostIndex, this.nowNs());
    this.emit('spawned', { host: host.name, threadId: worker.threadId });
    worker.on('error', (error) => {
      this.lastError[hostIndex] = error;
    });
    this.exits[hostIndex] = new Promise((resolve) =>
      worker.on('exit', (code) => {
        this.alive[hostIndex] = false;
        this.emit('exited', { host: host.name, code });
        if (!this.stopping) {
          const error = this.lastError[hostIndex] ?? new Error(`worker exited early with code ${code}`);
          void this.onFault(hostIndex, error);
        }
        resolve();
      }),
    );
  }

  private async onFault(hostIndex: number, error: Error): Promise<void> {
    const fault = { host: this.handles.hosts[hostIndex].name, error };
    this.faults.push(fault);
    this.emit('fault', fault);
    const policy = this.restartPolicy;
    // Before the start barrier a fault is a build failure: start() reports it.
    if (policy === null || !this.started || this.restarts[hostIndex] >= policy.maxRestarts) {
      this.emit('fatal', fault);
      return;
    }
    try {
      const handles = await policy.prepare(hostIndex);
      if (this.stopping) return;
      this.restarts[hostIndex]++;
      this.spawn(hostIndex, handles);
      this.emit('restarted', { host: fault.host, restarts: this.restarts[hostIndex] });
    } catch (err) {
      this.emit('fatal', { host: fault.host, error: err as Error });
    }
  }

  /** Fault injection: terminates a host's worker as a crash would (`HFT_CHAOS=kill:<host>@<s>`). */
  kill(hostName: string): boolean {
    const i = this.handles.hosts.findIndex((h) => h.name === hostName);
    const w = i >= 0 ? this.workers[i] : null;
    if (w === null || w === undefined || !this.alive[i]) return false;
    void w.terminate();
    return true;
  }

  /** Fault injection: the host's stage loop throws at its next slice (`HFT_CHAOS=throw:<host>@<s>`). */
  crash(hostName: string): boolean {
    const i = this.handles.hosts.findIndex((h) => h.name === hostName);
    if (i < 0) return false;
    this.control.requestCrash(i);
    return true;
  }

  health(): HostHealth[] {
    const now = this.nowNs();
    return this.handles.hosts.map((h, i) => ({
      name: h.name,
      alive: this.alive[i] === true,
      heartbeatAgeMs: (now - this.control.heartbeat(i)) / 1e6,
      restarts: this.restarts[i] ?? 0,
    }));
  }

  private checkHeartbeats(): void {
    for (const h of this.health())
      if (h.alive && h.heartbeatAgeMs > this.heartbeatTimeoutMs) this.emit('stale', h);
  }

  /** Signals every host to stop, wakes parked ones, and waits for the workers to exit. */
  async stop(timeoutMs = 5000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.control.stop();
    for (const b of this.handles.bells) new Doorbell(b).wake();
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
    const result = await Promise.race([Promise.all(this.exits).then(() => 'ok' as const), timeout]);
    if (result === 'timeout') await Promise.all(this.workers.map((w) => w?.terminate()));
  }
}
