import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { MonotonicClock } from '../../src/core/clock.js';
import { Registry } from '../../src/core/registry.js';
import { VenueRejectReason } from '../../src/execution/sim-venue-gateway.js';
import { WsVenueGateway } from '../../src/execution/ws-venue-gateway.js';
import {
  ExecKind,
  type ExecReport,
  ExecReportCodec,
  LatencyKind,
  LatencySampleCodec,
  type Order,
  OrderCodec,
} from '../../src/shm/records.js';
import type { VenuesHandle } from '../../src/venues/venues-command.js';
import type { RecordPatch } from '../fixtures.js';
import {
  median,
  quietLog,
  sleep,
  startVenues,
  stolenShare,
  toleranceUs,
  waitFor,
} from '../venues/venue-test-kit.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const clock = new MonotonicClock(process.hrtime.bigint());

async function venues(delayUs: Record<string, number>, port = 0): Promise<VenuesHandle> {
  const h = await startVenues({ delayUs, port });
  closers.push(() => h.close());
  return h;
}

async function gateway(h: VenuesHandle, opts: { pingIntervalMs?: number } = {}) {
  // Probes off unless asked for, so flow tests see only their own frames.
  const names = Object.keys(h.urls);
  const registry = new Registry({ symbols: ['AAPL', 'MSFT'], venues: names });
  const wakes = { n: 0 };
  const gw = new WsVenueGateway({
    urls: names.map((n) => h.urls[n]),
    registry,
    clock,
    wake: () => wakes.n++,
    logger: quietLog,
    pingIntervalMs: opts.pingIntervalMs ?? 0,
    sampleQueueCapacity: 8192,
    backoffInitialMs: 20,
    backoffMaxMs: 100,
  });
  closers.push(() => gw.close());
  gw.start();
  await waitFor(() => names.every((_, v) => gw.connected(v)), 5000, 'gateway connected');
  return { gw, wakes };
}

let nextId = 1;
function order(patch: RecordPatch<Order>): Order {
  return Object.assign(
    OrderCodec.create(),
    { clientOrderId: nextId++, symbolId: 0, venueId: 0, side: 1, qty: 100, limitPx: 10.05, type: 1 },
    patch,
  );
}

function drain(gw: WsVenueGateway): ExecReport[] {
  const out: ExecReport[] = [];
  for (;;) {
    const r = ExecReportCodec.create();
    if (!gw.nextReport(clock.nowNs(), r)) return out;
    out.push(r);
  }
}

/** Sends one order and returns its reports once it is terminal. */
async function roundTrip(gw: WsVenueGateway, o: Order): Promise<ExecReport[]> {
  expect(gw.submit(o, clock.nowNs())).toBe(true);
  const reports: ExecReport[] = [];
  await waitFor(
    () => {
      reports.push(...drain(gw));
      return reports.some((r) => r.kind !== ExecKind.ack && r.leavesQty >= 0 && isTerminal(r));
    },
    3000,
    'terminal report',
  );
  return reports;
}

const isTerminal = (r: ExecReport) =>
  r.kind !== ExecKind.ack && (r.kind !== ExecKind.fill || r.leavesQty === 0);

describe('WsVenueGateway', () => {
  it('measures the configured round trip: ping and order->ack medians within 10% or 50 us', async () => {
    // Z adds no delay: its medians are the loopback floor (two sockets and the one event loop
    // that client and venues share here), below which no venue can go. A venue only adds what
    // the floor leaves of its configured round trip, so the target is max(configured, floor).
    const delays = { Z: 0, A: 200, B: 1000, C: 5000 };
    const names = Object.keys(delays);
    const stolenBefore = stolenShare(200);
    const h = await venues(delays);
    for (const srv of Object.values(h.servers)) srv.publishQuote(0, 10.0, 10.02, 50, 60);
    // Frequent probes keep the path warm: on this shared VM a raw ws echo costs ~160 us warm but
    // ~370 us after 20 ms idle.
    const { gw } = await gateway(h, { pingIntervalMs: 5 });
    await sleep(300); // the venues learn the way-back transit from the first pongs
    const s = LatencySampleCodec.create();
    while (gw.nextLatencySample(s));
    const ackUs: number[][] = names.map(() => []);
    for (let i = 0; i < 30; i++) {
      for (let v = 0; v < names.length; v++) {
        const reports = await roundTrip(gw, order({ venueId: v }));
        const ack = reports.find((r) => r.kind === ExecKind.ack)!;
        ackUs[v].push((ack.recvTsNs - ack.sentTsNs) / 1e3);
      }
    }
    const pingUs: number[][] = names.map(() => []);
    while (gw.nextLatencySample(s)) {
      expect(s.kind).toBe(LatencyKind.probe);
      pingUs[s.venueId].push(s.latencyNs / 1e3);
    }
    const pingMed = pingUs.map(median);
    const ackMed = ackUs.map(median);
    const configured = Object.values(delays);
    const lines = configured.map(
      (c, v) =>
        `${c} us venue: ping median ${pingMed[v].toFixed(0)} us (${pingUs[v].length} samples), ` +
        `order->ack median ${ackMed[v].toFixed(0)} us (${ackUs[v].length} orders)`,
    );
    const stolen = Math.max(stolenBefore, stolenShare(200));
    console.log(
      `measured RTT over loopback (${(stolen * 100).toFixed(1)}% of a spinning thread's time stolen)\n  ${lines.join('\n  ')}`,
    );
    // Timing is only judged when this process is not being preempted for whole milliseconds.
    const judged = stolen < 0.02;
    if (!judged)
      console.warn('measured RTT: machine too busy to judge the acceptance line; only sanity checked');
    configured.forEach((c, v) => {
      if (c === 0) return;
      const tol = toleranceUs(c);
      for (const [med, floor] of [
        [pingMed[v], pingMed[0]],
        [ackMed[v], ackMed[0]],
      ]) {
        // Never faster than configured: the transit compensation does not overshoot.
        expect(med).toBeGreaterThanOrEqual(c - tol);
        if (!judged) {
          expect(med).toBeLessThan(2 * c + 5 * floor);
          continue;
        }
        // The acceptance line, wherever the machine's loopback floor leaves room to check it.
        if (floor + tol < c) expect(Math.abs(med - c)).toBeLessThanOrEqual(tol);
        else {
          console.warn(`${c} us venue: loopback floor ${floor.toFixed(0)} us here, acceptance not checkable`);
          expect(med).toBeLessThanOrEqual(1.25 * floor + tol);
        }
      }
    });
  });

  it('turns report frames into ExecReports: fill at the ask with fee and leaves, then expired', async () => {
    const h = await venues({ A: 500 });
    h.servers.A.publishQuote(0, 10.0, 10.02, 50, 60);
    const { gw, wakes } = await gateway(h);
    const o = order({ qty: 100, limitPx: 10.05 });
    const t0 = clock.nowNs();
    const reports = await roundTrip(gw, o);
    expect(reports.map((r) => r.kind)).toEqual([ExecKind.ack, ExecKind.fill, ExecKind.expired]);
    const [ack, fill, expired] = reports;
    for (const r of reports) {
      expect([r.clientOrderId, r.symbolId, r.venueId, r.side]).toEqual([o.clientOrderId, 0, 0, 1]);
      expect(r.sentTsNs).toBeGreaterThanOrEqual(t0);
      expect(r.recvTsNs).toBeGreaterThan(r.sentTsNs);
      expect(r.venueTsNs).toBeGreaterThan(r.sentTsNs);
      expect(r.venueTsNs).toBeLessThan(r.recvTsNs);
    }
    expect(ack.leavesQty).toBe(100);
    expect([fill.fillQty, fill.fillPx, fill.leavesQty]).toEqual([60, 10.02, 40]);
    expect(fill.feeUsd).toBeCloseTo((60 * 10.02 * 0.5) / 1e4, 12);
    expect(expired.leavesQty).toBe(40);
    expect(wakes.n).toBeGreaterThanOrEqual(1);
    expect(gw.inFlight).toBe(0);
    expect(gw.nextDueNs()).toBe(Number.POSITIVE_INFINITY);
    // A sell at the bid fills in full: ack and fill, nothing left to expire.
    const full = await roundTrip(gw, order({ side: -1, qty: 30, limitPx: 10.0 }));
    expect(full.map((r) => [r.kind, r.fillQty, r.fillPx, r.leavesQty])).toEqual([
      [ExecKind.ack, 0, 0, 30],
      [ExecKind.fill, 30, 10.0, 0],
    ]);
    // No quote for MSFT on this venue: rejected.
    const rej = await roundTrip(gw, order({ symbolId: 1 }));
    expect(rej.map((r) => [r.kind, r.reason])).toEqual([[ExecKind.reject, VenueRejectReason.noQuote]]);
    expect(gw.inFlight).toBe(0);
  });

  it('cancels an in-flight order; a cancel for an unknown order is answered at once', async () => {
    const h = await venues({ A: 10_000 });
    h.servers.A.publishQuote(0, 10.0, 10.02, 50, 60);
    const { gw } = await gateway(h);
    const o = order({});
    expect(gw.submit(o, clock.nowNs())).toBe(true);
    const out = ExecReportCodec.create();
    expect(gw.cancel(o.clientOrderId, clock.nowNs(), out)).toBe(false);
    await waitFor(() => gw.inFlight === 0, 3000, 'cancel report');
    const reports = drain(gw);
    expect(reports.map((r) => [r.kind, r.reason, r.leavesQty])).toEqual([
      [ExecKind.cancel, VenueRejectReason.cancelled, 100],
    ]);
    expect(gw.cancel(424242, clock.nowNs(), out)).toBe(true);
    expect([out.kind, out.reason, out.clientOrderId]).toEqual([
      ExecKind.cancel,
      VenueRejectReason.unknownOrder,
      424242,
    ]);
  });

  it('counts malformed frames and unknown reports without failing', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    closers.push(() => new Promise<void>((r) => wss.close(() => r())));
    await new Promise<void>((r) => wss.once('listening', () => r()));
    wss.on('connection', (ws) => {
      for (const bad of ['{', 'null', '{"t":"r","k":1}', '{"t":"zz"}', '{"t":"q","s":"AAPL"}']) ws.send(bad);
      ws.send(Buffer.from([0, 1]), { binary: true });
      ws.send('{"t":"r","k":1,"id":999,"x":1,"q":0,"p":0,"l":0,"f":0,"r":0,"vts":1}');
    });
    const addr = wss.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    const registry = new Registry({ symbols: ['AAPL'], venues: ['X'] });
    const gw = new WsVenueGateway({
      urls: [`ws://127.0.0.1:${port}/`],
      registry,
      clock,
      wake: () => {},
      pingIntervalMs: 0,
    });
    closers.push(() => gw.close());
    gw.start();
    await waitFor(() => gw.stats.malformed + gw.stats.unknownReports >= 7, 3000, 'frames');
    expect(gw.stats.malformed).toBe(6);
    expect(gw.stats.unknownReports).toBe(1);
    expect(gw.connected(0)).toBe(true);
    expect(drain(gw)).toEqual([]);
  });

  it('reconnects after the venue restarts, refusing orders while it is down', async () => {
    const h = await venues({ A: 200 });
    h.servers.A.publishQuote(0, 10.0, 10.02, 50, 60);
    const { gw } = await gateway(h);
    expect((await roundTrip(gw, order({}))).length).toBe(3);
    await h.close(); // closing twice is harmless: afterEach closes it again
    await waitFor(() => !gw.connected(0), 3000, 'disconnect seen');
    expect(gw.submit(order({}), clock.nowNs())).toBe(false);
    expect(gw.stats.refusedDisconnected).toBe(1);
    const again = await venues({ A: 200 }, h.port);
    again.servers.A.publishQuote(0, 10.0, 10.02, 50, 60);
    await waitFor(() => gw.connected(0), 5000, 'reconnect');
    const reports = await roundTrip(gw, order({}));
    expect(reports.map((r) => r.kind)).toEqual([ExecKind.ack, ExecKind.fill, ExecKind.expired]);
  });
});
