/**
 * The orderly end of a run (duration, SIGINT, SIGTERM): trading halts so no new order leaves,
 * then, with `system.on_shutdown: cancel`, every open order is cancelled and the run waits (at
 * most `shutdown_timeout_ms`) until the venues have answered all of them; with `leave` the open
 * orders stay working and the journal hands them to the next run (`--recover`).
 */
import { Breaker, type ControlBlock } from '../run-state/control-block.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';

export interface ShutdownReport {
  policy: 'cancel' | 'leave';
  /** Orders open when trading halted, and still open when the workers were stopped. */
  open_orders_at_halt: number;
  open_orders_left: number;
  wait_ms: number;
  /** Present when a second signal cut the wait for the venues short. */
  cut_short?: string;
}

/** Risk publishes the open-order count with P&L every 50 ms: wait a few rounds to see it settle. */
const POLL_MS = 20;
const PUBLISH_MS = 60;

export async function haltAndSettle(
  control: ControlBlock,
  metrics: PipelineMetrics,
  policy: 'cancel' | 'leave',
  timeoutMs: number,
  /** Aborted (a second Ctrl-C): stop waiting for the venues' answers at once. */
  hurry?: AbortSignal,
): Promise<ShutdownReport> {
  const t0 = performance.now();
  const open = () => metrics.counters.byName('open_orders');
  control.trip(Breaker.shutdown);
  await sleep(PUBLISH_MS); // orders already past risk reach the venue and show as open
  const atHalt = open();
  if (policy === 'cancel') {
    control.requestReconcile();
    while (open() > 0 && performance.now() - t0 < timeoutMs && !hurry?.aborted) await sleep(POLL_MS);
    if (!hurry?.aborted) await sleep(PUBLISH_MS);
  }
  return {
    policy,
    open_orders_at_halt: atHalt,
    open_orders_left: open(),
    wait_ms: Math.round(performance.now() - t0),
    ...(hurry?.aborted ? { cut_short: 'second signal' } : {}),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
