/**
 * The body and status of `GET /health` (docs/contract.md: workers alive, breakers, uptime). Healthy
 * means every worker thread runs and beats its heartbeat and trading is not halted; anything else
 * is "degraded" (HTTP 503) with one line per problem an operator can act on.
 */
import type { BreakerStatus } from './breaker-watch.js';

/** One worker thread as the supervisor sees it. */
export interface HostHealth {
  name: string;
  alive: boolean;
  heartbeatAgeMs: number;
  restarts: number;
}

export interface HealthInput {
  workers: HostHealth[];
  halted: boolean;
  breakers: BreakerStatus;
  uptimeS: number;
  /** A worker silent this long counts as down (`system.heartbeat_timeout_ms`). */
  heartbeatTimeoutMs: number;
}

export interface HealthBody extends BreakerStatus {
  status: 'ok' | 'degraded';
  uptime_s: number;
  halted: boolean;
  workers: HostHealth[];
  problems: string[];
}

export interface HealthReport {
  ok: boolean;
  body: HealthBody;
}

export function healthReport(input: HealthInput): HealthReport {
  const problems = healthProblems(input);
  const ok = problems.length === 0;
  return {
    ok,
    body: {
      status: ok ? 'ok' : 'degraded',
      uptime_s: input.uptimeS,
      halted: input.halted,
      ...input.breakers,
      workers: input.workers,
      problems,
    },
  };
}

function healthProblems(input: HealthInput): string[] {
  const problems: string[] = [];
  for (const w of input.workers) {
    if (!w.alive) problems.push(`worker ${w.name} is not running`);
    else if (w.heartbeatAgeMs > input.heartbeatTimeoutMs)
      problems.push(
        `worker ${w.name} silent for ${Math.round(w.heartbeatAgeMs)} ms (limit ${input.heartbeatTimeoutMs} ms)`,
      );
  }
  if (input.halted) {
    const open = Object.entries(input.breakers.breakers)
      .filter(([, isOpen]) => isOpen)
      .map(([name]) => name);
    problems.push(`trading halted${open.length > 0 ? ` by ${open.join(', ')}` : ''}`);
  }
  return problems;
}
