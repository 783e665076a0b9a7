/** Which stages share a thread (docs/architecture.md "Topologies"). The same stage classes serve every topology. */
import { type PipelineTopology, STAGES, type StageName } from '../config/config-types.js';

export interface HostSpec {
  readonly name: string;
  readonly stages: readonly StageName[];
  /** Beside the order path (predict alone): it polls on a timer so producers never notify it. */
  readonly offPath?: boolean;
}

export function hostsFor(topology: PipelineTopology): HostSpec[] {
  switch (topology) {
    case 'threads':
      return STAGES.map((s) => ({ name: s, stages: [s], offPath: s === 'predict' }));
    case 'fused':
      return [
        { name: 'fused', stages: ['ingest', 'route', 'risk'] },
        { name: 'predict', stages: ['predict'], offPath: true },
        { name: 'execute', stages: ['execute'] },
      ];
    case 'inline':
      return [{ name: 'inline', stages: [...STAGES] }];
  }
}

/** The rings between stages and the stage that consumes each. */
export const RING_CONSUMERS = {
  ticks: 'route',
  orders: 'risk',
  approved: 'execute',
  reports: 'risk',
  samples: 'predict',
} as const satisfies Record<string, StageName>;
export type RingName = keyof typeof RING_CONSUMERS;

/**
 * Rings whose producer wakes a parked consumer: the tick-to-order path. The others are drained
 * whenever their consumer wakes, and at least every `QUIET_RING_POLL_NS`, so that a report or a
 * latency sample never costs the producer a futex syscall or the consumer a wake-up. Risk drains
 * reports before it checks orders, so its positions are never older than the orders it checks
 * (and open-order reservations keep it conservative until then).
 */
export const WAKING_RINGS: ReadonlySet<RingName> = new Set(['ticks', 'orders', 'approved']);
export const QUIET_RING_POLL_NS = 1e6;

export function hostOf(hosts: readonly HostSpec[], stage: StageName): number {
  const i = hosts.findIndex((h) => h.stages.includes(stage));
  if (i < 0) throw new Error(`topology: no host runs stage ${stage}`);
  return i;
}
