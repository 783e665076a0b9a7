/**
 * Fault injection for reliability tests and drills: `HFT_CHAOS="kill:risk@3,throw:execute@6"`
 * terminates the named host's worker (as a crash would) or makes its stage loop throw, at the
 * given number of seconds into the run. Never set in normal operation.
 */
import { ConfigError } from '../core/errors.js';

export interface ChaosEvent {
  readonly action: 'kill' | 'throw';
  readonly host: string;
  readonly atS: number;
}

export function parseChaos(text: string | undefined, hosts: readonly string[]): ChaosEvent[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((part) => {
    const m = /^\s*(kill|throw):([a-z]+)@(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (m === null) throw new ConfigError('HFT_CHAOS', `expected kill|throw:<host>@<seconds>, got "${part}"`);
    if (!hosts.includes(m[2])) {
      throw new ConfigError('HFT_CHAOS', `no worker named ${m[2]} in this topology (${hosts.join(', ')})`);
    }
    return { action: m[1] as ChaosEvent['action'], host: m[2], atS: Number(m[3]) };
  });
}

export interface ChaosTarget {
  kill(host: string): boolean;
  crash(host: string): boolean;
}

/** Schedules the events from now; returns a function that cancels those not yet fired. */
export function scheduleChaos(
  events: readonly ChaosEvent[],
  target: ChaosTarget,
  onFire: (e: ChaosEvent) => void,
): () => void {
  const timers = events.map((e) =>
    setTimeout(() => {
      onFire(e);
      if (e.action === 'kill') target.kill(e.host);
      else target.crash(e.host);
    }, e.atS * 1000),
  );
  return () => {
    for (const t of timers) clearTimeout(t);
  };
}
