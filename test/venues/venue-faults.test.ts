/**
 * Injected venue faults against the real ws venue servers: dropped and refused connections
 * (reconnect with backoff, resubscribe, in-flight orders ended), and the control endpoint of
 * `hft venues`. Order-flow faults (slow, stalled, rejecting venues) are in
 * test/execution/execution-faults.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MonotonicClock } from '../../src/core/clock.js';
import { Registry } from '../../src/core/registry.js';
import { VenueRejectReason } from '../../src/execution/venue-gateway.js';
import { WsVenueGateway } from '../../src/execution/ws-venue-gateway.js';
import { VenueFeedSource } from '../../src/market/venue-feed-source.js';
import { ExecKind, type ExecReport, ExecReportCodec, OrderCodec, TickCodec } from '../../src/shm/records.js';
import { VenueConnection } from '../../src/venues/venue-connection.js';
import type { VenuesHandle } from '../../src/venues/venues-command.js';
import { quietLog, startVenues, waitFor } from './venue-test-kit.js';

const closers: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});
const clock = new MonotonicClock(process.hrtime.bigint());

async function venues(delayUs: Record<string, number>): Promise<VenuesHandle> {
  const h = await startVenues({ delayUs });
  closers.push(() => h.close());
  for (const s of Object.values(h.servers)) s.publishQuote(0, 10.0, 10.02, 50, 60);
  return h;
}

function drain(gw: WsVenueGateway): ExecReport[] {
  const out: ExecReport[] = [];
  for (let r = ExecReportCodec.create(); gw.nextReport(0, r); r = ExecReportCodec.create()) out.push(r);
  return out;
}

describe('venue faults: connections', () => {
  it('a venue that is down: the client retries with exponential backoff, then reconnects', async () => {
    const h = await venues({ A: 200 });
    h.servers.A.setFaults({ refuseConnections: true });
    // Stamped where the server takes each upgrade: the client schedules its next attempt only after
    // this one was refused, so a gap can only be longer than its delay, never shorter.
    const attempts: number[] = [];
    const server = h.servers.A;
    const take = server.handleUpgrade.bind(server);
    server.handleUpgrade = (...args) => {
      attempts.push(performance.now());
      take(...args);
    };
    let opens = 0;
    // Full jitter pinned to its ceiling (random = 1): delays 20, 40, 80, 160, 320, 320, ... ms.
    const conn = new VenueConnection({
      url: h.urls.A,
      onFrame: () => {},
      onOpen: () => opens++,
      backoffInitialMs: 20,
      backoffMaxMs: 320,
      random: () => 0.999999,
    });
    closers.push(() => conn.close());
    conn.start();
    await waitFor(() => server.stats.refused >= 7, 15_000, '7 refused attempts');
    h.servers.A.setFaults({ refuseConnections: false });
    await waitFor(() => conn.isOpen, 5000, 'reconnect once the venue is back');
    expect(opens).toBe(1);
    expect(conn.stats.connects).toBe(1);
    // Gaps between attempts follow the ceilings (each at least its delay; a loaded machine only adds).
    const gaps = attempts.slice(1, 7).map((t, i) => t - attempts[i]);
    const ceilings = [20, 40, 80, 160, 320, 320];
    console.log(
      `backoff gaps (ms): ${gaps.map((g) => g.toFixed(0)).join(', ')}; ceilings ${ceilings.join(', ')}`,
    );
    for (const [i, g] of gaps.entries()) expect(g, `gap ${i}`).toBeGreaterThanOrEqual(ceilings[i] - 1);
    expect(gaps[3]).toBeGreaterThan(gaps[0] * 3);
    // Capped: the last gaps stay near the maximum instead of doubling on.
    expect(gaps[5]).toBeLessThan(320 * 2 + 200);
  });

  it('dropped connections: gateway and feed reconnect, the feed resubscribes, in-flight orders end', async () => {
    const h = await venues({ A: 200, B: 200 });
    const registry = new Registry({ symbols: ['AAPL', 'MSFT'], venues: ['A', 'B'] });
    const events: [number, boolean][] = [];
    const gw = new WsVenueGateway({
      urls: [h.urls.A, h.urls.B],
      registry,
      clock,
      wake: () => {},
      logger: quietLog,
      pingIntervalMs: 0,
      backoffInitialMs: 20,
      backoffMaxMs: 100,
      onConnection: (v, up) => events.push([v, up]),
    });
    closers.push(() => gw.close());
    const feed = new VenueFeedSource({
      urls: [h.urls.A, h.urls.B],
      registry,
      clock,
      wake: () => {},
      logger: quietLog,
      backoffInitialMs: 20,
      backoffMaxMs: 100,
    });
    closers.push(() => feed.close());
    gw.start();
    feed.start();
    await waitFor(() => gw.connected(0) && gw.connected(1) && feed.connected(0) && feed.connected(1));
    // Each subscribe is answered with the book: one snapshot quote per venue.
    await waitFor(() => feed.stats.quotes >= 2, 5000, 'snapshots');
    // A stalled venue holds two orders; a drop then ends them (the venue cancels on disconnect).
    h.servers.A.setFaults({ stall: true });
    for (let id = 1; id <= 2; id++) {
      const o = Object.assign(OrderCodec.create(), {
        clientOrderId: id,
        venueId: 0,
        side: 1,
        qty: 10,
        limitPx: 10.05,
      });
      expect(gw.submit(o, clock.nowNs())).toBe(true);
    }
    await waitFor(() => h.servers.A.stats.held === 2, 5000, 'orders held');
    for (let round = 1; round <= 3; round++) {
      expect(h.servers.A.dropConnections()).toBe(2); // the gateway's and the feed's
      await waitFor(() => !gw.connected(0), 5000, 'drop seen');
      await waitFor(() => gw.connected(0) && feed.connected(0), 5000, `reconnect ${round}`);
      await waitFor(() => h.servers.A.stats.subscribes === 1 + round, 5000, `resubscribe ${round}`);
    }
    expect(gw.stats.reconnects).toBe(3);
    expect(gw.stats.disconnects).toBe(3);
    expect(events.filter(([v]) => v === 0)).toEqual([
      [0, true],
      [0, false],
      [0, true],
      [0, false],
      [0, true],
      [0, false],
      [0, true],
    ]);
    expect(events.filter(([v]) => v === 1)).toEqual([[1, true]]); // B untouched
    // Both held orders were ended once, as expired with reason `disconnected`, at the first drop.
    const reports = drain(gw);
    expect(reports.map((r) => [r.clientOrderId, r.kind, r.reason, r.leavesQty])).toEqual([
      [1, ExecKind.expired, VenueRejectReason.disconnected, 10],
      [2, ExecKind.expired, VenueRejectReason.disconnected, 10],
    ]);
    expect(gw.stats.orphaned).toBe(2);
    expect(gw.inFlight).toBe(0);
    // The venue cancelled them: lifting the stall matches nothing, and nothing more arrives.
    h.servers.A.setFaults({ stall: false });
    expect(h.servers.A.stats.cancelledOnDisconnect).toBe(2);
    expect(h.servers.A.stats.fills + h.servers.A.stats.rejects).toBe(0);
    // The feed got the book again on every resubscribe without a new quote being published.
    await waitFor(() => feed.stats.quotes >= 2 + 3, 5000, 'snapshots after resubscribe');
    const t = TickCodec.create();
    let polled = 0;
    while (feed.poll(0, t)) polled++;
    expect(polled).toBe(feed.stats.quotes);
    // Orders flow again on the new session.
    const o = Object.assign(OrderCodec.create(), {
      clientOrderId: 3,
      venueId: 0,
      side: 1,
      qty: 10,
      limitPx: 10.05,
    });
    expect(gw.submit(o, clock.nowNs())).toBe(true);
    const after: ExecReport[] = [];
    await waitFor(() => after.push(...drain(gw)) >= 0 && after.length >= 2, 5000, 'fill after reconnect');
    expect(after.map((r) => [r.kind, r.fillQty])).toEqual([
      [ExecKind.ack, 0],
      [ExecKind.fill, 10],
    ]);
  });
});

describe('hft venues control endpoint', () => {
  it('reads stats and faults, sets faults, drops connections, refuses bad input', async () => {
    const h = await venues({ A: 200, B: 200 });
    const base = `http://127.0.0.1:${h.port}/control`;
    const post = (path: string, body: string) => fetch(`${base}${path}`, { method: 'POST', body });
    const all = (await (await fetch(base)).json()) as Record<string, { faults: { stall: boolean } }>;
    expect(Object.keys(all)).toEqual(['A', 'B']);
    expect(all.A.faults.stall).toBe(false);
    const ok = await post('/A', '{"stall":true,"extraDelayMs":25,"drop":true}');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      venue: 'A',
      faults: { extraDelayMs: 25, stall: true, rejectAll: false, refuseConnections: false },
      dropped: 0,
    });
    expect(h.servers.A.faults.stall).toBe(true);
    expect(h.servers.B.faults.stall).toBe(false);
    for (const [path, body, status] of [
      ['/A', '{"stall":"yes"}', 400],
      ['/A', '{"extraDelayMs":-1}', 400],
      ['/A', '{"nope":1}', 400],
      ['/A', '{"__proto__":{"stall":true}}', 400],
      ['/A', '[1]', 400],
      ['/A', 'not json', 400],
      ['/A', 'x'.repeat(5000), 413],
      ['/Z', '{}', 404],
    ] as const) {
      expect((await post(path, body)).status, `${path} ${body.slice(0, 20)}`).toBe(status);
    }
    expect(h.servers.A.faults).toEqual({
      extraDelayMs: 25,
      stall: true,
      rejectAll: false,
      refuseConnections: false,
    });
  });
});
