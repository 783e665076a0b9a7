/**
 * The daemon trading with `hft venues` over real sockets while faults are injected through the
 * venues' control endpoint: a venue that stops acking is marked out and orders go to the others;
 * it comes back when it answers; a reject storm trips the reject-rate breaker; a dropped venue
 * reconnects. At the end nothing is lost: every approved order is filled, expired, rejected,
 * cancelled or still open, and no order was dropped.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, getJson, type HftChild, metricValue, poll, spawnHft, spawnVenues } from './daemon-kit.js';

const VENUES = ['NYSE-SIM', 'NASDAQ-SIM', 'BATS-SIM'];
const children: HftChild[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

interface Health {
  trading_state: string;
  breakers: Record<string, boolean>;
  venues: Record<string, { outage: boolean; latency_spike: boolean }>;
}

describe('venue faults end to end (hft venues + hft run --source venues:)', () => {
  it('routes around a stalled venue, trips the reject-rate breaker, reconnects, loses nothing', async () => {
    const venues = await spawnVenues();
    children.push(venues);
    const control = `http://127.0.0.1:${venues.port}/control`;
    const fault = async (venue: string, body: object) => {
      const res = await fetch(`${control}/${venue}`, { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(200);
    };
    const dir = mkdtempSync(join(tmpdir(), 'hft-venue-faults-'));
    const config = join(dir, 'faults.yaml');
    // Enough orders to see where they go; acks time out after 300 ms.
    writeFileSync(
      config,
      [
        'trading:',
        '  max_position_size: 1000000000',
        '  max_portfolio_value: 1000000000000',
        '  strategy: { name: momentum, threshold_bps: 0.5, cooldown_ms: 10 }',
        'risk:',
        '  ack_timeout_ms: 300',
        '  max_open_orders: 5000',
        '  max_loss_usd: 100000000',
        '  max_drawdown_usd: 100000000',
        'routing:',
        '  router: round-robin',
        // No worker busy-spins: this test watches routing, and leaves the other core to parallel tests.
        'system:',
        '  busy_spin_host: null',
      ].join('\n'),
    );
    const port = await freePort();
    const report = join(dir, 'report');
    const run = spawnHft([
      'run',
      '--mode',
      'fast',
      '--config',
      config,
      '--source',
      `venues:ws://127.0.0.1:${venues.port}`,
      '--duration',
      '300',
      '--metrics-port',
      String(port),
      '--report',
      report,
      '--skip-backtest',
      '--log-level',
      'quiet',
    ]);
    children.push(run);
    const base = `http://127.0.0.1:${port}`;
    const sent = async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return VENUES.map((venue) => metricValue(text, 'hft_orders_total', `venue="${venue}",status="sent"`));
    };
    const health = () => getJson<Health>(`${base}/health`);
    const failed = () => `daemon: ${run.err().slice(-2000)}`;

    // Warm: every venue has taken orders.
    await poll(
      async () =>
        (await getJson(`${base}/health`)) !== null && (await sent()).every((n) => n >= 5) ? true : null,
      40_000,
      failed,
    );

    // 1. NYSE-SIM stops acking: its acks time out, it is marked out, orders go to the others.
    await fault('NYSE-SIM', { stall: true });
    await poll(async () => ((await health())?.venues['NYSE-SIM'].outage ? true : null), 15_000, failed);
    const before = await sent();
    await poll(
      async () => {
        const now = await sent();
        return now[1] - before[1] >= 5 && now[2] - before[2] >= 5 ? now : null;
      },
      20_000,
      failed,
    );
    const during = await sent();
    // At most what was already past the router when the flag went up.
    expect(during[0] - before[0]).toBeLessThanOrEqual(3);
    console.log(
      `orders sent while NYSE-SIM was out: ${VENUES.map((v, i) => `${v} +${during[i] - before[i]}`).join(', ')}`,
    );

    // 2. It resumes: the held orders are answered, the late acks bring it back, it gets orders again.
    await fault('NYSE-SIM', { stall: false });
    await poll(
      async () => ((await health())?.venues['NYSE-SIM'].outage === false ? true : null),
      15_000,
      failed,
    );
    await poll(async () => ((await sent())[0] >= during[0] + 3 ? true : null), 20_000, failed);

    // 3. A reject storm on every venue trips the reject-rate breaker: trading reduces.
    for (const v of VENUES) await fault(v, { rejectAll: true });
    const tripped = await poll(
      async () => {
        const h = await health();
        return h?.breakers.reject_rate ? h : null;
      },
      20_000,
      failed,
    );
    expect(tripped.trading_state).toBe('reducing');
    for (const v of VENUES) await fault(v, { rejectAll: false });

    // 4. BATS-SIM drops every connection: the daemon reconnects.
    await fault('BATS-SIM', { drop: true });
    const stats = await poll(
      async () => {
        const s =
          await getJson<Record<string, { stats: { connections: number; subscribes: number } }>>(control);
        return s && s['BATS-SIM'].stats.connections >= 4 && s['BATS-SIM'].stats.subscribes >= 2 ? s : null;
      },
      15_000,
      failed,
    );
    expect(stats['BATS-SIM'].stats.connections).toBe(4); // gateway and feed, twice each

    run.child.kill('SIGTERM');
    expect(await run.exited, failed()).toBe(0);
    const s = JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8'));
    expect(s.orders.dropped).toBe(0);
    expect(s.orders.ack_timeouts).toBeGreaterThanOrEqual(1);
    expect(s.venue_faults.outage_trips).toBeGreaterThanOrEqual(2); // the stall and the drop
    expect(s.venue_faults.disconnects).toBe(1);
    expect(s.venue_faults.reconnects).toBe(1);
    expect(s.risk.breaker_trips).toBeGreaterThanOrEqual(1);
    // The breaker trips on a one-second window of >= 20 answers with more than half rejected, so
    // it cannot have tripped on fewer than 11 rejects; after the trip trading only reduces, so how
    // many more orders reach the rejecting venues depends on timing.
    expect(s.orders.rejected_venue).toBeGreaterThanOrEqual(11);
    // Nothing lost: every approved order ended exactly once, or is still open.
    const approved = s.risk.checks - s.orders.rejected_risk;
    const ended = s.orders.filled + s.orders.expired + s.orders.rejected_venue + s.orders.cancelled;
    expect(ended + s.orders.open).toBe(approved);
    console.log(
      `venue faults e2e: approved ${approved}, filled ${s.orders.filled}, expired ${s.orders.expired}, ` +
        `rejected by venues ${s.orders.rejected_venue}, open ${s.orders.open}, ack timeouts ${s.orders.ack_timeouts}, ` +
        `outage trips ${s.venue_faults.outage_trips}, breaker trips ${s.risk.breaker_trips}`,
    );
    venues.child.kill('SIGTERM');
    expect(await venues.exited).toBe(0);
  });
});
