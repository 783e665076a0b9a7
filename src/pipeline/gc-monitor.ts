/**
 * Counts this thread's garbage collections into the shared gauges (count, longest pause, heap
 * used, and the heap a full collection left). Observer callbacks run on the event loop, which the
 * host yields to every slice. With a 64 MB semi-space the young generation alone swings heap used
 * by tens of MB between scavenges, and with V8's memory reducer off (supervisor.ts) garbage
 * promoted to the old generation stays there until the next mark-compact; so the leak reading
 * (`heap_retained_bytes`, which the soak watches) is the heap outside the young generation right
 * after a mark-compact: live data. Until a thread's first mark-compact it is read after any
 * collection.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';

/**
 * A full collection before trading starts: what loading left in the young generation (modules,
 * compiled code, the ONNX session, the built stages) is promoted now, so the run's first
 * scavenge copies only the run's own garbage instead of tens of MB of start-up survivors.
 */
export function collectStartupGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export function monitorGc(metrics: PipelineMetrics, hostName: string): () => void {
  const c = metrics.counters;
  const countSlot = c.slot(`host_${hostName}_gc_count`);
  const pauseSlot = c.slot(`host_${hostName}_gc_max_pause_ms`);
  const heapSlot = c.slot(`host_${hostName}_heap_used_bytes`);
  const retainedSlot = c.slot(`host_${hostName}_heap_retained_bytes`);
  let sawMajor = false;
  const observer = new PerformanceObserver((list) => {
    let major = false;
    for (const entry of list.getEntries()) {
      c.add(countSlot, 1);
      if (entry.duration > c.get(pauseSlot)) c.set(pauseSlot, entry.duration);
      if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
        major = true;
    }
    c.set(heapSlot, process.memoryUsage().heapUsed);
    if (!major && sawMajor) return;
    sawMajor ||= major;
    let retained = 0;
    for (const space of getHeapSpaceStatistics())
      if (space.space_name !== 'new_space') retained += space.space_used_size;
    c.set(retainedSlot, retained);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
