/**
 * Counts this thread's garbage collections into the shared gauges (count, longest pause, heap
 * used, and heap used outside the young generation). Observer callbacks run on the event loop,
 * which the host yields to every slice. With a 64 MB semi-space the young generation alone swings
 * heap used by tens of MB between scavenges; what survives them (old, code and large-object
 * spaces) is the reading a leak shows in (the soak watches it).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import type { PipelineMetrics } from './pipeline-metrics.js';

export function monitorGc(metrics: PipelineMetrics, hostName: string): () => void {
  const c = metrics.counters;
  const countSlot = c.slot(`host_${hostName}_gc_count`);
  const pauseSlot = c.slot(`host_${hostName}_gc_max_pause_ms`);
  const heapSlot = c.slot(`host_${hostName}_heap_used_bytes`);
  const retainedSlot = c.slot(`host_${hostName}_heap_retained_bytes`);
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      c.add(countSlot, 1);
      if (entry.duration > c.get(pauseSlot)) c.set(pauseSlot, entry.duration);
    }
    let retained = 0;
    for (const space of getHeapSpaceStatistics())
      if (space.space_name !== 'new_space') retained += space.space_used_size;
    c.set(heapSlot, process.memoryUsage().heapUsed);
    c.set(retainedSlot, retained);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
