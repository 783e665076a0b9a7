/**
 * Order-flow faults against real ws venue servers: the execution stage on a WsVenueGateway, its
 * reports applied by a RiskStage, the venue flags in a real ControlBlock. A slow or stalled venue
 * times out acks and is marked out, then back in on its late answers; a venue that drops with
 * orders in flight ends them; a reject storm is answered without ack timeouts. Every order ends
 * in exactly one terminal state and none stays open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MonotonicClock } from '../../src/core/clock.js';
import { ExecutionStage } from '../../src/execution/execution-stage.js';
import { RiskStage } from '../../src/execution/risk-stage.js';
import { VenueRejectReason } from '../../src/execution/venue-gateway.js';
import { WsVenueGateway } from '../../src/execution/ws-venue-gateway.js';
import { ControlBlock, createControlBlock, VenueFlag } from '../../src/run-state/control-block.js';
import { ExecKind, type ExecReport, ExecReportCodec, type Order, OrderCodec } from '../../src/shm/records.js';
import type { VenueServer } from '../../src/venues/venue-server.js';
import { quoteTick, stageFixture } from '../fixtures.js';
import { quietLog, startVenues, waitFor } from '../venues/venue-test-kit.js';

const ACK_TIMEOUT_MS = 150;
const closers: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function rig() {
  const h = await startVenues({ delayUs: { A: 300, B: 300 }, symbols: ['AAPL', 'MSFT'] });
  closers.push(() => h.close());
  for (const s of Object.values(h.servers)) s.publishQuote(0, 99.99, 100.01, 1000, 1000);
  const f = stageFixture(['AAPL', 'MSFT'], ['A', 'B']);
  const clock = new MonotonicClock(process.hrtime.bigint());
  const control = new ControlBlock(createControlBlock(1));
  let exec: ExecutionStage | null = null;
  const gw = new WsVenueGateway({
    urls: [h.urls.A, h.urls.B],
    registry: f.registry,
    clock,
    wake: () => {},
    logger: quietLog,
    pingIntervalMs: 0,
    backoffInitialMs: 20,
    backoffMaxMs: 100,
    onConnection: (v, up) => exec?.onVenueConnection(v, up),
  });
  closers.push(() => gw.close());
  exec = new ExecutionStage(2, gw, clock, f.metrics, control, ACK_TIMEOUT_MS * 1e6);
  gw.start();
  await waitFor(() => gw.connected(0) && gw.connected(1), 5000, 'connected');
  f.quotes.publish(Object.assign(quoteTick(0, 0, 99.99, 100.01, 1000), { recvTsNs: clock.nowNs() }));
  const limits = {
    maxOrderQty: 1000,
    maxOrderNotionalUsd: 1e9,
    maxPositionQty: 1e9,
    maxPortfolioNotionalUsd: 1e12,
    priceBandBps: 500,
    staleQuoteNs: 1e15,
    maxOrdersPerSec: 1e9,
    maxOpenOrders: 1000,
    maxLossUsd: 1e9,
    maxDrawdownUsd: 1e9,
  };
  const risk = new RiskStage(2, limits, f.quotes, clock, f.metrics, control);
  const reports: ExecReport[] = [];
  const stage = exec;
  let nextId = 1;
  /** Risk approves, execution sends; an immediate answer goes straight back to risk. */
  const send = (venueId: number, patch: Partial<Order> = {}): Order => {
    const o = Object.assign(
      OrderCodec.create(),
      { clientOrderId: nextId++, symbolId: 0, venueId, side: 1, qty: 10, limitPx: 100.02, type: 1 },
      { routeTsNs: clock.nowNs(), tickRecvTsNs: clock.nowNs() },
      patch,
    );
    expect(risk.onOrder(o)).toBe(true);
    const out = ExecReportCodec.create();
    if (stage.onOrder(o, out)) {
      reports.push(out);
      risk.onExecReport(out);
    }
    return o;
  };
  /** Moves every due report (and ack timeout) from execution to risk. */
  const pump = () => {
    for (let r = ExecReportCodec.create(); stage.nextReport(r); r = ExecReportCodec.create()) {
      reports.push(r);
      risk.onExecReport(r);
    }
  };
  const until = (cond: () => boolean, what: string) =>
    waitFor(
      () => {
        pump();
        return cond();
      },
      10_000,
      what,
    );
  const of = (id: number) => reports.filter((r) => r.clientOrderId === id);
  const terminal = (r: ExecReport) =>
    r.kind === ExecKind.expired ||
    r.kind === ExecKind.reject ||
    r.kind === ExecKind.cancel ||
    (r.kind === ExecKind.fill && r.leavesQty === 0);
  const outage = (v: number) => (control.venueFlags(v) & VenueFlag.outage) !== 0;
  const count = (n: string) => f.metrics.counters.byName(n);
  /** Each order exactly one terminal report, nothing open, no state-machine anomaly. */
  const allEnded = (orders: Order[]) => {
    for (const o of orders)
      expect(of(o.clientOrderId).filter(terminal), `order ${o.clientOrderId}`).toHaveLength(1);
    expect(risk.orders.openCount).toBe(0);
    expect(risk.orders.anomalies).toBe(0);
    expect(count('order_anomalies')).toBe(0);
  };
  return { h, gw, risk, send, pump, until, of, terminal, outage, count, allEnded, reports };
}

function servers(h: { servers: Record<string, VenueServer> }) {
  return h.servers as { A: VenueServer; B: VenueServer };
}

describe('execution under venue faults', () => {
  it('a slow venue: acks time out, the venue is marked out, late answers end every order and clear it', async () => {
    const r = await rig();
    servers(r.h).A.setFaults({ extraDelayMs: 3 * ACK_TIMEOUT_MS });
    const slow = [r.send(0), r.send(0), r.send(0)];
    await r.until(() => r.outage(0), 'outage flag');
    const timeouts = r.reports.filter((x) => x.kind === ExecKind.ackTimeout);
    expect(timeouts.length).toBeGreaterThanOrEqual(1);
    expect(r.outage(1)).toBe(false);
    expect(r.count('venue_outage_trips')).toBe(1);
    // Orders still open: a timeout is not the end of an order.
    expect(r.risk.orders.openCount).toBe(3);
    await r.until(() => slow.every((o) => r.of(o.clientOrderId).some(r.terminal)), 'late answers');
    expect(r.reports.filter((x) => x.kind === ExecKind.ackTimeout)).toHaveLength(3);
    expect(r.count('orders_ack_timeouts')).toBe(3);
    expect(r.outage(0)).toBe(false); // the late ack cleared it
    for (const o of slow) {
      expect(r.of(o.clientOrderId).map((x) => x.kind)).toEqual([
        ExecKind.ackTimeout,
        ExecKind.ack,
        ExecKind.fill,
      ]);
    }
    r.allEnded(slow);
    expect(r.count('orders_filled')).toBe(3);
    expect(r.risk.positions.position[0]).toBe(30);
  });

  it('a venue that stops acking holds its orders; they end when it resumes, none lost', async () => {
    const r = await rig();
    const { A } = servers(r.h);
    A.setFaults({ stall: true });
    const held = [r.send(0), r.send(0, { side: -1, limitPx: 99.98 }), r.send(0, { limitPx: 99.5 })];
    const fine = r.send(1);
    await r.until(() => r.outage(0) && r.of(fine.clientOrderId).some(r.terminal), 'outage, B answered');
    expect(A.stats.held).toBe(3);
    expect(r.outage(1)).toBe(false);
    await r.until(
      () => r.reports.filter((x) => x.kind === ExecKind.ackTimeout).length === 3,
      'three timeouts',
    );
    A.setFaults({ stall: false });
    await r.until(() => held.every((o) => r.of(o.clientOrderId).some(r.terminal)), 'held orders answered');
    expect(r.outage(0)).toBe(false);
    // Buy and sell filled at the touch, the third (below the ask) acked and expired unfilled.
    expect(held.map((o) => r.of(o.clientOrderId).at(-1)?.kind)).toEqual([
      ExecKind.fill,
      ExecKind.fill,
      ExecKind.expired,
    ]);
    r.allEnded([...held, fine]);
    expect(r.count('orders_ack_timeouts')).toBe(3);
    expect(r.risk.positions.position[0]).toBe(10); // +10 on A, -10 on A, +10 on B
  });

  it('a venue that drops with orders in flight: they expire (disconnected), the venue is out until it is back', async () => {
    const r = await rig();
    const { A } = servers(r.h);
    A.setFaults({ stall: true });
    const inFlight = [r.send(0), r.send(0)];
    await waitFor(() => A.stats.held === 2, 5000, 'held');
    A.setFaults({ refuseConnections: true });
    A.dropConnections();
    await r.until(
      () => r.outage(0) && inFlight.every((o) => r.of(o.clientOrderId).some(r.terminal)),
      'ended',
    );
    for (const o of inFlight) {
      expect(r.of(o.clientOrderId).map((x) => [x.kind, x.reason])).toEqual([
        [ExecKind.expired, VenueRejectReason.disconnected],
      ]);
    }
    // While it is down, an order for it is refused at once with the same reason.
    const refused = r.send(0);
    expect(r.of(refused.clientOrderId).map((x) => [x.kind, x.reason])).toEqual([
      [ExecKind.reject, VenueRejectReason.disconnected],
    ]);
    expect(r.count('venue_disconnects')).toBe(1);
    A.setFaults({ refuseConnections: false, stall: false });
    await r.until(() => r.gw.connected(0) && !r.outage(0), 'back in');
    expect(r.count('venue_reconnects')).toBe(1);
    const after = r.send(0);
    await r.until(() => r.of(after.clientOrderId).some(r.terminal), 'order after reconnect');
    expect(r.of(after.clientOrderId).at(-1)?.kind).toBe(ExecKind.fill);
    r.allEnded([...inFlight, refused, after]);
    // Nothing filled at the venue that we did not hear about (cancel on disconnect).
    expect(A.stats.cancelledOnDisconnect).toBe(2);
    expect(A.stats.fills).toBe(1);
    expect(r.risk.positions.position[0]).toBe(10);
    // No ack timeout was raised for orders that had already ended.
    expect(r.count('orders_ack_timeouts')).toBe(0);
  });

  it('a reject storm: every order answered with a reject, no ack timeout, the venue stays in', async () => {
    const r = await rig();
    servers(r.h).B.setFaults({ rejectAll: true });
    const orders = Array.from({ length: 25 }, () => r.send(1));
    await r.until(() => orders.every((o) => r.of(o.clientOrderId).some(r.terminal)), 'rejects');
    for (const o of orders)
      expect(r.of(o.clientOrderId).map((x) => [x.kind, x.reason])).toEqual([
        [ExecKind.reject, VenueRejectReason.venueHalted],
      ]);
    // Past the ack timeout nothing more comes: a reject ends the wait for an ack.
    await new Promise((res) => setTimeout(res, 2 * ACK_TIMEOUT_MS));
    r.pump();
    expect(r.reports.filter((x) => x.kind === ExecKind.ackTimeout)).toHaveLength(0);
    expect(r.outage(1)).toBe(false);
    r.allEnded(orders);
    expect(r.count('orders_rejected_venue')).toBe(25);
    // 25 answers in a second, all rejects: the reject-rate breaker tripped (trading reducing).
    expect(r.count('breaker_trips')).toBe(1);
  });
});
