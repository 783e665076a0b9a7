/**
 * Starts one worker per host of the topology, watches their heartbeats, and stops them all
 * cleanly. A worker that throws or exits early is a fault: the run stops and the fault is
 * reported (restart with ring reconciliation is the reliability layer's job).
 */
import { EventEmitter } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { ControlBlock } from '../pipeline/control-block.js';
import type { PipelineHandles } from '../pipeline/pipeline-handles.js';
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

export interface WorkerFault {
  host: string;
  error: Error;
}

export interface HostHealth {
  name: string;
  alive: boolean;
  heartbeatAgeMs: number;
}

export class Supervisor extends EventEmitter<{ fault: [WorkerFault]; stale: [HostHealth] }> {
  private readonly control: ControlBlock;
  private readonly workers: Worker[] = [];
  private readonly exited: Promise<void>[] = [];
  private readonly alive: boolean[] = [];
  private watchdog: NodeJS.Timeout | null = null;
  private stopping = false;
  readonly faults: WorkerFault[] = [];

  constructor(
    private readonly handles: PipelineHandles,
    private readonly nowNs: () => number,
    private readonly heartbeatTimeoutMs: number,
  ) {
    super();
    this.control = new ControlBlock(handles.control);
  }

  /** Spawns every host and resolves once all of them are built and released together. */
  async start(): Promise<void> {
    setFlagsFromString(`--min-semi-space-size=${WORKER_SEMI_SPACE_MB}`);
    this.handles.hosts.forEach((host, hostIndex) => {
      const data: StageHostWorkerData = { handles: this.handles, hostIndex };
      const worker = new Worker(WORKER_URL, {
        workerData: data,
        name: `hft-${host.name}`,
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
      });
      this.alive[hostIndex] = true;
      this.control.beat(hostIndex, this.nowNs());
      worker.on('error', (error) => this.onFault(host.name, error));
      this.exited.push(
        new Promise((resolve) =>
          worker.on('exit', (code) => {
            this.alive[hostIndex] = false;
            if (!this.stopping) this.onFault(host.name, new Error(`worker exited early with code ${code}`));
            resolve();
          }),
        ),
      );
      this.workers.push(worker);
    });
    while (this.control.readyCount() < this.handles.hosts.length) {
      if (this.faults.length > 0) throw this.faults[0].error;
      await new Promise((r) => setTimeout(r, 2));
    }
    this.control.go();
    this.watchdog = setInterval(() => this.checkHeartbeats(), Math.max(50, this.heartbeatTimeoutMs / 4));
    this.watchdog.unref();
  }

  private onFault(host: string, error: Error): void {
    const fault = { host, error };
    this.faults.push(fault);
    this.emit('fault', fault);
  }

  health(): HostHealth[] {
    const now = this.nowNs();
    return this.handles.hosts.map((h, i) => ({
      name: h.name,
      alive: this.alive[i] === true,
      heartbeatAgeMs: (now - this.control.heartbeat(i)) / 1e6,
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
    const result = await Promise.race([Promise.all(this.exited).then(() => 'ok' as const), timeout]);
    if (result === 'timeout') await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
