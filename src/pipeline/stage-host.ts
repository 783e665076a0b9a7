/**
 * The poll loop of one thread: polls its nodes, idles with the configured wait strategy until
 * the next timer or a doorbell, beats its heartbeat, and hands control back to the event loop
 * every slice so GC observers and sockets can run. No trading logic here.
 */
import type { Clock } from '../core/clock.js';
import type { ControlBlock } from '../run-state/control-block.js';
import type { Doorbell } from '../shm/doorbell.js';
import type { WaitStrategy, WorkProbe } from '../shm/wait-strategy.js';
import { createHostTime, DUE_NS, NOW_NS, type StageNode } from './stage-node.js';

export interface StageHostOptions {
  /** Longest single idle wait, so heartbeats and the stop flag are seen promptly. */
  maxIdleNs: number;
  heartbeatIntervalNs: number;
}

export const DEFAULT_HOST_OPTIONS: StageHostOptions = { maxIdleNs: 5e6, heartbeatIntervalNs: 100e6 };

export const STOPPED = -1;
export const SLICE_DONE = 0;

export class StageHost implements WorkProbe {
  private lastBeatNs = 0;
  /** The clock reading and due time handed to the nodes (stage-node.ts HostTime). */
  private readonly time = createHostTime();

  constructor(
    private readonly nodes: readonly StageNode[],
    private readonly bell: Doorbell,
    private readonly wait: WaitStrategy,
    private readonly control: ControlBlock,
    private readonly hostIndex: number,
    private readonly clock: Clock,
    private readonly opts: StageHostOptions = DEFAULT_HOST_OPTIONS,
  ) {}

  hasWork(): boolean {
    for (let i = 0; i < this.nodes.length; i++) if (this.nodes[i].hasWork()) return true;
    return false;
  }

  /**
   * Runs for about `sliceNs`. Returns STOPPED once the run has been stopped, SLICE_DONE at the end
   * of the slice, or (only with `asyncIdle`) the ns the caller should wait asynchronously: a host
   * whose inputs arrive on its event loop (sockets) must not block in Atomics.wait.
   */
  runSlice(sliceNs: number, asyncIdle = false): number {
    const time = this.time;
    // One clock read per round: the reading after a round's polls is the next round's time
    // unless the host waited in between (each read boxes a heap number on Node 20: clock.ts).
    time[NOW_NS] = this.clock.nowNs();
    const end = time[NOW_NS] + sliceNs;
    for (;;) {
      if (!this.control.running) return STOPPED;
      let work = 0;
      for (let i = 0; i < this.nodes.length; i++) work += this.nodes[i].poll(time);
      const now = this.clock.nowNs();
      time[NOW_NS] = now;
      if (now - this.lastBeatNs >= this.opts.heartbeatIntervalNs) {
        this.control.beat(this.hostIndex, now);
        this.lastBeatNs = now;
      }
      if (now >= end) return SLICE_DONE;
      if (work === 0) {
        time[DUE_NS] = end;
        for (let i = 0; i < this.nodes.length; i++) this.nodes[i].lowerDue(time);
        const waitNs = Math.min(time[DUE_NS] - now, this.opts.maxIdleNs);
        if (waitNs > 0 && asyncIdle) return waitNs;
        if (waitNs > 0) {
          this.wait.idle(this.bell, this, waitNs);
          time[NOW_NS] = this.clock.nowNs();
        }
      }
    }
  }

  close(): void {
    for (const n of this.nodes) n.close();
    this.control.beat(this.hostIndex, this.clock.nowNs());
  }
}
