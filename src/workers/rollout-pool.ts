/** The piscina pool that runs training episodes on every core (rollout.worker.ts). */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { RolloutResult, RolloutRunner, RolloutTask } from '../ml/rl/rollout.js';

// Run from source (vitest), the worker is the compiled one: `npm test` builds dist/ first.
const WORKER = fileURLToPath(
  import.meta.url.endsWith('.ts')
    ? new URL('../../dist/src/workers/rollout.worker.js', import.meta.url)
    : new URL('./rollout.worker.js', import.meta.url),
);

export class RolloutPool implements RolloutRunner {
  private readonly pool: Piscina<RolloutTask, RolloutResult>;
  readonly threads: number;

  constructor(threads = availableParallelism()) {
    this.threads = Math.max(1, threads);
    this.pool = new Piscina({ filename: WORKER, minThreads: this.threads, maxThreads: this.threads });
  }

  /** Runs the seeds spread over the threads and returns the results in seed order. */
  async run(task: RolloutTask): Promise<RolloutResult> {
    const parts: number[][] = Array.from({ length: this.threads }, () => []);
    task.seeds.forEach((s, i) => {
      parts[i % this.threads].push(s);
    });
    const results = await Promise.all(
      parts
        .filter((p) => p.length > 0)
        .map((seeds, k) => this.pool.run({ ...task, seeds, actionSeed: (task.actionSeed + 7919 * k) >>> 0 })),
    );
    const traces = results.flatMap((r) => r.traces);
    const logProbs = results.flatMap((r) => r.logProbs);
    return { traces, logProbs };
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
