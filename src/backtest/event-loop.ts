/**
 * The backtest's scheduler: polls the stage nodes at one instant of simulated time until nothing
 * is left to do, then jumps the clock to the earliest moment any node has something due.
 * Every tick goes through ingest and route; the other nodes are polled only when a ring holds
 * something for them or one of their timers is due, which keeps a quiet tick cheap.
 */
import type { ManualClock } from '../core/clock.js';
import { createHostTime, DUE_NS, type HostTime, NOW_NS, type StageNode } from '../pipeline/stage-node.js';
import type { SpscRing } from '../shm/spsc-ring.js';
import type { EquitySampler } from './equity-sampler.js';

/** Rounds at one instant with something due but nothing done before the loop calls it a bug. */
const MAX_STALLS = 1000;
/** The nodes every tick passes through, in pipeline order. */
const TICK_PATH = new Set(['ingest', 'route']);

export interface EventLoopParts {
  readonly nodes: readonly StageNode[];
  /** Every ring between the nodes (views for `depth()`: records published and not yet released). */
  readonly rings: readonly SpscRing[];
  /** The ring route writes orders to: the only one the tick path can fill for the other nodes. */
  readonly orders: SpscRing;
  readonly clock: ManualClock;
  readonly sampler: EquitySampler;
  /** True once the data is consumed and nothing is in flight. */
  readonly finished: () => boolean;
  /** Simulated time the run may not pass. */
  readonly endNs: number;
}

export function runEventLoop(p: EventLoopParts): void {
  const { nodes, rings, orders, clock, sampler } = p;
  const head = nodes.filter((n) => TICK_PATH.has(n.name));
  const rest = nodes.filter((n) => !TICK_PATH.has(n.name));
  const ringsBusy = () => {
    for (let i = 0; i < rings.length; i++) if (rings[i].depth() > 0) return true;
    return false;
  };
  const time = createHostTime();
  let now = clock.nowNs();
  let restDue = Number.NEGATIVE_INFINITY;
  let stalls = 0;
  for (;;) {
    time[NOW_NS] = now;
    let work = pollAll(head, time);
    if (now >= restDue || orders.depth() > 0) {
      work += pollAll(rest, time);
      // Reports flow back to risk and samples to predict: poll until every ring is empty.
      while (work > 0 && ringsBusy()) work = pollAll(nodes, time);
      restDue = earliestDue(rest, time);
    }
    if (now >= sampler.nextSampleNs) sampler.sample(now);
    if (p.finished()) return;
    const next = Math.min(earliestDue(head, time), restDue);
    if (next > p.endNs) return;
    if (next > now) {
      now = next;
      clock.set(now);
      stalls = 0;
    } else if (++stalls > MAX_STALLS) {
      const due = nodes.filter((n) => earliestDue([n], time) <= now).map((n) => n.name);
      throw new Error(`backtest stalled at ${now} ns: ${due.join(', ')} due but doing nothing`);
    }
  }
}

function pollAll(nodes: readonly StageNode[], time: HostTime): number {
  let work = 0;
  for (let i = 0; i < nodes.length; i++) work += nodes[i].poll(time);
  return work;
}

function earliestDue(nodes: readonly StageNode[], time: HostTime): number {
  time[DUE_NS] = Number.POSITIVE_INFINITY;
  for (let i = 0; i < nodes.length; i++) nodes[i].lowerDue(time);
  return time[DUE_NS];
}
