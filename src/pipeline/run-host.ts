/** Runs one host to the end of the run, slice by slice, yielding to the event loop in between. */
import type { Clock } from '../core/clock.js';
import { isPolicyRouterName, loadPolicy } from '../routing/create-policy-router.js';
import type { Doorbell } from '../shm/doorbell.js';
import { createWaitStrategy, type WaitStrategyName } from '../shm/wait-strategy.js';
import { buildHost } from './build-nodes.js';
import { collectStartupGarbage, monitorGc } from './gc-monitor.js';
import type { PipelineHandles } from './pipeline-handles.js';
import { DEFAULT_HOST_OPTIONS, SLICE_DONE, STOPPED, StageHost } from './stage-host.js';
import { QUIET_RING_POLL_NS, RING_CONSUMERS, type RingName, WAKING_RINGS } from './topology.js';

/** Long enough that yielding costs nothing measurable, short enough for timely GC accounting. */
const SLICE_NS = 20e6;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Parks without blocking the event loop (Atomics.waitAsync), so socket callbacks run and can
 * wake the host through its doorbell.
 */
async function idleOnEventLoop(bell: Doorbell, host: StageHost, waitNs: number): Promise<void> {
  const seq = bell.prepareToPark();
  if (host.hasWork()) {
    bell.cancelPark();
    return;
  }
  await bell.parkAsync(seq, waitNs / 1e6);
}

/**
 * Off-path hosts poll on a timer; the configured busy-spin host spins (measured here: with the
 * execute worker spinning, threaded tick-to-order p99 fell from ~600-800 us to ~200-300 us and
 * fused from ~140 us to ~40-80 us, because the hop's wake-up disappears and one vCPU never idles);
 * every other host uses the configured strategy.
 */
function waitStrategyFor(h: PipelineHandles, hostIndex: number): WaitStrategyName {
  const spec = h.hosts[hostIndex];
  if (spec.offPath) return 'sleep-poll';
  if (spec.name === h.settings.busySpinHost) return 'busy-spin';
  return h.settings.waitStrategy;
}

export async function runHost(h: PipelineHandles, hostIndex: number, clock: Clock): Promise<void> {
  const router = h.settings.router;
  const policy =
    h.hosts[hostIndex].stages.includes('predict') && isPolicyRouterName(router)
      ? loadPolicy(router, h.registry.venues)
      : undefined;
  const ctx = buildHost(h, hostIndex, clock, { policy });
  collectStartupGarbage();
  const stopGc = monitorGc(ctx.metrics, h.hosts[hostIndex].name);
  const spec = h.hosts[hostIndex];
  const wait = createWaitStrategy(waitStrategyFor(h, hostIndex), h.settings.spinNs);
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
  const asyncIdle = ctx.nodes.some((n) => n.eventDriven === true);
  // The busy-spin host with sockets spins on its event loop instead: each turn polls I/O without
  // sleeping, so a venue's answer is read within microseconds rather than after a wake-up.
  const spinOnEventLoop = asyncIdle && waitStrategyFor(h, hostIndex) === 'busy-spin';
  try {
    for (;;) {
      const r = host.runSlice(SLICE_NS, asyncIdle);
      if (r === STOPPED) break;
      if (ctx.control.takeCrashRequest(hostIndex)) throw new Error('injected fault (HFT_CHAOS)');
      if (r === SLICE_DONE) await yieldToEventLoop();
      else {
        // setImmediate first: it runs after the loop's I/O poll, so socket data waiting now is
        // read even when the host only idles for microseconds between paced ticks.
        await yieldToEventLoop();
        if (!spinOnEventLoop) await idleOnEventLoop(ctx.bell, host, r);
      }
    }
  } finally {
    host.close();
    policy?.release();
    await yieldToEventLoop(); // let the last GC entries land
    stopGc();
  }
}
