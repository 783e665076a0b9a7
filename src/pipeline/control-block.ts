/**
 * Run-wide control shared by main and every worker: the running flag, the trading halt, and one
 * heartbeat stamp per host thread.
 */
const RUNNING = 0;
const HALTED = 1;
const READY = 2;
const GO = 3;
const HEADER_BYTES = 64;

export interface ControlBlockHandle {
  readonly buffer: SharedArrayBuffer;
  readonly hosts: number;
}

export function createControlBlock(hosts: number): ControlBlockHandle {
  const buffer = new SharedArrayBuffer(HEADER_BYTES + hosts * 64);
  new Int32Array(buffer, 0, 2)[RUNNING] = 1;
  return { buffer, hosts };
}

export class ControlBlock {
  private readonly flags: Int32Array;
  private readonly beats: Float64Array;

  constructor(handle: ControlBlockHandle) {
    this.flags = new Int32Array(handle.buffer, 0, HEADER_BYTES / 4);
    this.beats = new Float64Array(handle.buffer, HEADER_BYTES);
  }

  get running(): boolean {
    return Atomics.load(this.flags, RUNNING) === 1;
  }

  stop(): void {
    Atomics.store(this.flags, RUNNING, 0);
  }

  get halted(): boolean {
    return Atomics.load(this.flags, HALTED) === 1;
  }

  setHalted(halted: boolean): void {
    Atomics.store(this.flags, HALTED, halted ? 1 : 0);
  }

  /** Worker side of the start barrier: count in as ready, then block until main says go. */
  arriveAndAwaitGo(): void {
    Atomics.add(this.flags, READY, 1);
    while (Atomics.load(this.flags, GO) === 0 && this.running) Atomics.wait(this.flags, GO, 0, 100);
  }

  readyCount(): number {
    return Atomics.load(this.flags, READY);
  }

  /** Releases every host at once, so no stage starts producing before its consumers run. */
  go(): void {
    Atomics.store(this.flags, GO, 1);
    Atomics.notify(this.flags, GO);
  }

  /** Heartbeat of host `i`, ns since the process epoch (0 = never). */
  heartbeat(i: number): number {
    return this.beats[i * 8];
  }

  beat(i: number, nowNs: number): void {
    this.beats[i * 8] = nowNs;
  }
}
