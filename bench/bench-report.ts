/**
 * What every bench file returns: a named table. `npm run bench` (run-benches.ts) prints them all;
 * each bench file also prints its own when run directly.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Task } from 'tinybench';

export interface BenchReport {
  name: string;
  rows: Record<string, string | number>[];
}

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMainModule(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(moduleUrl) === resolve(process.argv[1]);
}

export function printReport(report: BenchReport): void {
  console.log(`\n${report.name}`);
  console.table(report.rows);
}

/** Latency statistics of a finished task, in milliseconds per call, or an error naming the task. */
export function latencyOf(task: Task) {
  const r = task.result;
  if (r.state !== 'completed') {
    const why = r.state === 'errored' ? `: ${r.error.message}` : '';
    throw new Error(`bench task "${task.name}" did not complete (${r.state})${why}`);
  }
  return { ...r.latency, periodMs: r.period, samples: r.latency.samplesCount };
}

/** A table row of a task's per-call latency: p50, p99, p99.9 and mean in microseconds. */
export function latencyRowUs(task: Task): Record<string, string | number> {
  const lat = latencyOf(task);
  return {
    task: task.name,
    'p50 us': sig(lat.p50! * 1e3),
    'p99 us': sig(lat.p99! * 1e3),
    'p99.9 us': sig(lat.p999! * 1e3),
    'mean us': sig(lat.mean * 1e3),
    samples: lat.samples,
  };
}

/** Rounds to `digits` significant digits for display. */
export function sig(value: number, digits = 3): number {
  return Number(value.toPrecision(digits));
}
