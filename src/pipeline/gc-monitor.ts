/**
 * Counts this thread's garbage collections into the shared gauges (count, longest pause, heap
 * used). Observer callbacks run on the event loop, which the host yields to every slice.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import type { PipelineMetrics } from './pipeline-metrics.js';

export function monitorGc(metrics: PipelineMetrics, hostName: string): () => void {
  const c = metrics.counters;
  const countSlot = c.slot(`host_${hostName}_gc_count`);
  const pauseSlot = c.slot(`host_${hostName}_gc_max_pause_ms`);
  const heapSlot = c.slot(`host_${hostName}_heap_used_bytes`);
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      c.add(countSlot, 1);
      if (entry.duration > c.get(pauseSlot)) c.set(pauseSlot, entry.duration);
    }
    c.set(heapSlot, process.memoryUsage().heapUsed);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
