/** Runs one host to the end of the run, slice by slice, yielding to the event loop in between. */
import type { Clock } from '../core/clock.js';
import { createWaitStrategy } from '../shm/wait-strategy.js';
import { buildHost } from './build-nodes.js';
import { monitorGc } from './gc-monitor.js';
import type { PipelineHandles } from './pipeline-handles.js';
import { DEFAULT_HOST_OPTIONS, StageHost } from './stage-host.js';
import { QUIET_RING_POLL_NS, RING_CONSUMERS, type RingName, WAKING_RINGS } from './topology.js';

/** Long enough that yielding costs nothing measurable, short enough for timely GC accounting. */
const SLICE_NS = 20e6;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runHost(h: PipelineHandles, hostIndex: number, clock: Clock): Promise<void> {
  const ctx = buildHost(h, hostIndex, clock);
  const stopGc = monitorGc(ctx.metrics, h.hosts[hostIndex].name);
  const spec = h.hosts[hostIndex];
  const wait = createWaitStrategy(spec.offPath ? 'sleep-poll' : h.settings.waitStrategy, h.settings.spinNs);
  // A host that consumes a quiet ring wakes on its own often enough to drain it.
  const drainsQuietRing = Object.entries(RING_CONSUMERS).some(
    ([ring, stage]) => !WAKING_RINGS.has(ring as RingName) && spec.stages.includes(stage),
  );
  const maxIdleNs = drainsQuietRing
    ? Math.min(QUIET_RING_POLL_NS, DEFAULT_HOST_OPTIONS.maxIdleNs)
    : DEFAULT_HOST_OPTIONS.maxIdleNs;
  const host = new StageHost(ctx.nodes, ctx.bell, wait, ctx.control, hostIndex, clock, {
    ...DEFAULT_HOST_OPTIONS,
    maxIdleNs,
  });
  ctx.control.arriveAndAwaitGo();
  try {
    while (host.runSlice(SLICE_NS)) await yieldToEventLoop();
  } finally {
    host.close();
    await yieldToEventLoop(); // let the last GC entries land
    stopGc();
  }
}
