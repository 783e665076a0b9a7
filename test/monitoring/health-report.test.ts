import { describe, expect, it } from 'vitest';
import type { BreakerStatus } from '../../src/monitoring/breaker-watch.js';
import { type HealthInput, healthReport } from '../../src/monitoring/health-report.js';

const closed: BreakerStatus = {
  trading_state: 'active',
  breakers: { kill_switch: false, loss_limit: false },
  venues: { A: { latency_spike: false, outage: false } },
};

function input(over: Partial<HealthInput> = {}): HealthInput {
  return {
    workers: [
      { name: 'ingest', alive: true, heartbeatAgeMs: 40, restarts: 0 },
      { name: 'risk', alive: true, heartbeatAgeMs: 90, restarts: 0 },
    ],
    halted: false,
    breakers: closed,
    uptimeS: 12.5,
    heartbeatTimeoutMs: 2000,
    ...over,
  };
}

describe('healthReport (GET /health)', () => {
  it('is ok with every worker alive and beating and trading not halted', () => {
    const { ok, body } = healthReport(input());
    expect(ok).toBe(true);
    expect(body).toMatchObject({ status: 'ok', uptime_s: 12.5, halted: false, trading_state: 'active' });
    expect(body.workers.map((w) => w.name)).toEqual(['ingest', 'risk']);
    expect(body.breakers).toEqual(closed.breakers);
    expect(body.venues).toEqual(closed.venues);
    expect(body.problems).toEqual([]);
  });

  it('is degraded when a worker thread has exited', () => {
    const r = healthReport(
      input({ workers: [{ name: 'risk', alive: false, heartbeatAgeMs: 5, restarts: 0 }] }),
    );
    expect(r.ok).toBe(false);
    expect(r.body.status).toBe('degraded');
    expect(r.body.problems).toEqual(['worker risk is not running']);
  });

  it('is degraded when a live worker has missed its heartbeat for longer than the timeout', () => {
    const r = healthReport(
      input({ workers: [{ name: 'route', alive: true, heartbeatAgeMs: 2500.4, restarts: 0 }] }),
    );
    expect(r.ok).toBe(false);
    expect(r.body.problems).toEqual(['worker route silent for 2500 ms (limit 2000 ms)']);
  });

  it('is degraded while trading is halted, naming the open breakers', () => {
    const breakers: BreakerStatus = {
      ...closed,
      trading_state: 'halted',
      breakers: { kill_switch: true, loss_limit: false },
    };
    const r = healthReport(input({ halted: true, breakers }));
    expect(r.ok).toBe(false);
    expect(r.body.halted).toBe(true);
    expect(r.body.problems).toEqual(['trading halted by kill_switch']);
  });

  it('stays ok while only reducing (reject-rate breaker) or a venue breaker is open', () => {
    const breakers: BreakerStatus = {
      trading_state: 'reducing',
      breakers: { reject_rate: true },
      venues: { A: { latency_spike: true, outage: false } },
    };
    expect(healthReport(input({ breakers })).ok).toBe(true);
  });
});
