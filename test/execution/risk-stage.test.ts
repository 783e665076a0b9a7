import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RiskLimits } from '../../src/execution/risk-limits.js';
import { RiskStage } from '../../src/execution/risk-stage.js';
import { Breaker, type BreakerSpec, TradingState } from '../../src/run-state/control-block.js';
import { ExecKind, ExecReportCodec, type Order, OrderCodec, OrderType } from '../../src/shm/records.js';
import { quoteTick, type RecordPatch, stageFixture } from '../fixtures.js';

const LIMITS: RiskLimits = {
  maxOrderQty: 1000,
  maxOrderNotionalUsd: 150_000,
  maxPositionQty: 1500,
  maxPortfolioNotionalUsd: 1_000_000,
  priceBandBps: 50,
  staleQuoteNs: 1e9,
  maxOrdersPerSec: 1e6,
  maxOpenOrders: 100,
  maxLossUsd: 1000,
  maxDrawdownUsd: 5000,
};

function setup(limits: Partial<RiskLimits> = {}) {
  const f = stageFixture();
  f.quotes.publish(Object.assign(quoteTick(0, 0, 99.99, 100.01), { recvTsNs: 1_000_000 }));
  f.quotes.publish(Object.assign(quoteTick(1, 1, 199.98, 200.02), { recvTsNs: 1_000_000 }));
  const tripped: BreakerSpec[] = [];
  const breakers = {
    trip: (b: BreakerSpec) => {
      if (tripped.includes(b)) return false;
      tripped.push(b);
      return true;
    },
    reset: (b: BreakerSpec) => {
      const i = tripped.indexOf(b);
      if (i >= 0) tripped.splice(i, 1);
      return i >= 0;
    },
  };
  const risk = new RiskStage(
    f.registry.symbolCount,
    { ...LIMITS, ...limits },
    f.quotes,
    f.clock,
    f.metrics,
    breakers,
  );
  return { ...f, risk, tripped, count: (n: string) => f.metrics.counters.byName(n) };
}

let nextId = 1;
function order(patch: RecordPatch<Order>): Order {
  return Object.assign(
    OrderCodec.create(),
    {
      clientOrderId: nextId++,
      symbolId: 0,
      venueId: 0,
      side: 1,
      qty: 100,
      limitPx: 100.01,
      routeTsNs: 1_000_000,
    },
    patch,
  );
}

function report(kind: number, o: Order, patch: Record<string, number> = {}) {
  return Object.assign(
    ExecReportCodec.create(),
    { kind, clientOrderId: o.clientOrderId, symbolId: o.symbolId, side: o.side, leavesQty: o.qty },
    patch,
  );
}

const fill = (o: Order, qty: number, px: number, feeUsd = 0) =>
  report(ExecKind.fill, o, { fillQty: qty, fillPx: px, feeUsd, leavesQty: o.qty - qty });

describe('RiskStage checks', () => {
  it('approves an order inside every limit and tracks it as open', () => {
    const { risk, count } = setup();
    expect(risk.onOrder(order({}))).toBe(true);
    expect(risk.openBuyQty[0]).toBe(100);
    expect(risk.orders.openCount).toBe(1);
    expect(count('risk_checks')).toBe(1);
    expect(count('orders_rejected_risk')).toBe(0);
  });

  it.each([
    ['max_order_size', { qty: 1001 }],
    ['max_order_notional', { symbolId: 1, venueId: 1, qty: 800, limitPx: 200.02 }],
    ['bad_order', { qty: 0 }],
    ['bad_order', { qty: Number.NaN }],
    ['bad_order', { limitPx: -1 }],
    ['bad_order', { limitPx: Number.POSITIVE_INFINITY }],
    ['bad_order', { side: 0 }],
    ['bad_order', { symbolId: 9 }],
    ['price_band', { limitPx: 100.6 }],
    ['price_band', { side: -1, limitPx: 99.4 }],
    ['stale_quote', { routeTsNs: 1_000_000 + 2e9 }],
  ])('rejects with %s (%o) and counts the reason', (reason, patch) => {
    const { risk, count } = setup();
    expect(risk.onOrder(order(patch))).toBe(false);
    expect(risk.lastReject).toBe(reason);
    expect(count(`risk_reject_${reason}`)).toBe(1);
    expect(count('orders_rejected_risk')).toBe(1);
    expect(risk.orders.openCount).toBe(0);
  });

  it('rejects an order for a symbol no venue has quoted yet', () => {
    const f = stageFixture();
    const risk = new RiskStage(2, LIMITS, f.quotes, f.clock, f.metrics, {
      trip: () => false,
      reset: () => false,
    });
    expect(risk.onOrder(order({}))).toBe(false);
    expect(risk.lastReject).toBe('no_reference_price');
  });

  it('throttles the submit rate with a one-second token bucket', () => {
    const { risk } = setup({ maxOrdersPerSec: 3 });
    const results = [0, 1, 2, 3].map(() => risk.onOrder(order({ qty: 1 })));
    expect(results).toEqual([true, true, true, false]);
    expect(risk.lastReject).toBe('rate_limit');
    expect(risk.onOrder(order({ qty: 1, routeTsNs: 1_000_000 + 0.34e9 }))).toBe(true); // one token back
  });

  it('refuses a resend of an order that is still open (client order ids are idempotent)', () => {
    const { risk } = setup();
    const o = order({ qty: 10 });
    expect(risk.onOrder(o)).toBe(true);
    expect(risk.onOrder({ ...o })).toBe(false);
    expect(risk.lastReject).toBe('duplicate_order');
    expect(risk.openBuyQty[0]).toBe(10);
  });

  it('caps open orders', () => {
    const { risk } = setup({ maxOpenOrders: 2 });
    expect(risk.onOrder(order({ qty: 1 }))).toBe(true);
    const second = order({ qty: 1 });
    expect(risk.onOrder(second)).toBe(true);
    expect(risk.onOrder(order({ qty: 1 }))).toBe(false);
    expect(risk.lastReject).toBe('max_open_orders');
    risk.onExecReport(report(ExecKind.expired, second, { leavesQty: 1 }));
    expect(risk.onOrder(order({ qty: 1 }))).toBe(true);
  });

  it('counts open orders against the position limit, and releases them on fill and expiry', () => {
    const { risk, count } = setup();
    const big = order({ qty: 1000 });
    expect(risk.onOrder(big)).toBe(true);
    expect(risk.onOrder(order({ qty: 600 }))).toBe(false); // 1000 open + 600 > 1500
    expect(count('risk_reject_max_position')).toBe(1);
    risk.onExecReport(report(ExecKind.ack, big));
    risk.onExecReport(fill(big, 400, 100.01));
    risk.onExecReport(report(ExecKind.expired, big, { leavesQty: 600 }));
    expect(risk.positions.position[0]).toBe(400);
    expect(risk.openBuyQty[0]).toBe(0);
    expect(risk.orders.openCount).toBe(0);
    expect(risk.onOrder(order({ qty: 1000 }))).toBe(true); // 400 + 1000 <= 1500
    expect(risk.onOrder(order({ qty: 200 }))).toBe(false);
    expect(count('order_anomalies')).toBe(0);
  });

  it('always lets a position-reducing order through the position limit', () => {
    const { risk } = setup({ maxPositionQty: 100 });
    const o = order({ qty: 100 });
    risk.onOrder(o);
    risk.onExecReport(fill(o, 100, 100));
    expect(risk.onOrder(order({ side: -1, qty: 100, limitPx: 99.99 }))).toBe(true);
  });

  it('rejects orders that would take gross notional over max_portfolio_value', () => {
    const { risk } = setup({ maxPortfolioNotionalUsd: 50_000 });
    const o = order({ qty: 400 });
    risk.onOrder(o);
    risk.onExecReport(fill(o, 400, 100)); // $40k long
    expect(risk.onOrder(order({ qty: 50 }))).toBe(true); // ~$45k with the open order
    expect(risk.onOrder(order({ qty: 60 }))).toBe(false);
    expect(risk.lastReject).toBe('max_portfolio_value');
  });

  it('halted refuses everything; reducing refuses anything that does not reduce', () => {
    const { risk } = setup();
    const o = order({ qty: 300 });
    risk.onOrder(o);
    risk.onExecReport(fill(o, 300, 100));
    risk.setTradingState(TradingState.halted);
    expect(risk.onOrder(order({ side: -1, qty: 100, limitPx: 99.99 }))).toBe(false);
    expect(risk.lastReject).toBe('halted');
    risk.setTradingState(TradingState.reducing);
    expect(risk.onOrder(order({ qty: 100 }))).toBe(false);
    expect(risk.lastReject).toBe('reducing_only');
    expect(risk.onOrder(order({ side: -1, qty: 400, limitPx: 99.99 }))).toBe(false); // would flip short
    expect(risk.onOrder(order({ side: -1, qty: 100, limitPx: 99.99 }))).toBe(true);
  });

  it('trips the loss-limit breaker once when total P&L falls below -max_loss_usd, and then halts', () => {
    const { risk, tripped, quotes, count } = setup({ maxLossUsd: 500 });
    const o = order({ qty: 100 });
    risk.onOrder(o);
    risk.onExecReport(fill(o, 100, 100));
    quotes.publish(Object.assign(quoteTick(0, 0, 93.99, 94.01), { recvTsNs: 1_000_000, exchTsNs: 2 }));
    const sell = order({ side: -1, qty: 100, limitPx: 94 });
    risk.onOrder(sell);
    risk.onExecReport(fill(sell, 100, 94)); // realised -600
    expect(tripped).toEqual([Breaker.lossLimit]);
    expect(count('breaker_trips')).toBe(1);
    expect(risk.onOrder(order({ qty: 1, limitPx: 94.01 }))).toBe(false);
    expect(risk.lastReject).toBe('halted');
  });

  it('trips the drawdown breaker when P&L falls that far below its best, even while still positive', () => {
    const { risk, tripped, quotes } = setup({ maxLossUsd: 1e9, maxDrawdownUsd: 300 });
    const o = order({ qty: 100 });
    risk.onOrder(o);
    risk.onExecReport(fill(o, 100, 100));
    quotes.publish(Object.assign(quoteTick(0, 0, 109.99, 110.01), { recvTsNs: 1_000_000, exchTsNs: 2 }));
    const up = order({ side: -1, qty: 50, limitPx: 110 });
    risk.onOrder(up);
    risk.onExecReport(fill(up, 50, 110)); // +500 realised, +500 unrealised: peak ~1000
    quotes.publish(Object.assign(quoteTick(0, 0, 101.99, 102.01), { recvTsNs: 1_000_000, exchTsNs: 3 }));
    const down = order({ side: -1, qty: 10, limitPx: 102 });
    risk.onOrder(down);
    risk.onExecReport(fill(down, 10, 102)); // P&L now ~600: 400 below the peak
    expect(risk.totalPnl()).toBeGreaterThan(0);
    expect(tripped).toEqual([Breaker.drawdown]);
  });

  it('trips the reject-rate breaker (reducing) on a reject storm and resets it after a calm cool-down', () => {
    const { risk, tripped } = setup({ maxOrdersPerSec: 1e9, maxOpenOrders: 1000 });
    const answer = (kind: number, t: number) => {
      const o = order({ qty: 1 });
      risk.onOrder(o);
      risk.onExecReport(report(kind, o, { recvTsNs: t, leavesQty: 1 }));
    };
    for (let i = 0; i < 30; i++) answer(i % 4 === 0 ? ExecKind.ack : ExecKind.reject, 1e9 + i * 1e6);
    expect(tripped).toEqual([Breaker.rejectRate]);
    // 11 s later, a full second of clean acks resets it.
    for (let i = 0; i < 40; i++) answer(ExecKind.ack, 12e9 + i * 30e6);
    expect(tripped).toEqual([]);
  });

  it('publishes P&L and positions marked to the cross-venue mid', () => {
    const { risk, count } = setup();
    const o = order({ qty: 200, limitPx: 100 });
    risk.onOrder(o);
    risk.onExecReport(fill(o, 100, 99));
    risk.onExecReport(Object.assign(fill(o, 100, 99, 2), { leavesQty: 0 }));
    risk.publishPnl();
    expect(count('symbol_0_position')).toBe(200);
    expect(count('pnl_unrealized')).toBeCloseTo(200 * (100 - 99), 9);
    expect(count('pnl_fees')).toBe(2);
    expect(count('gross_notional')).toBeCloseTo(20_000, 6);
    expect(count('orders_filled')).toBe(1);
  });

  it('property: over random order and fill streams the position never exceeds its limit, the books balance to the cent, and every rejection has the right reason', () => {
    const step = fc.record({
      side: fc.constantFrom(1, -1),
      qty: fc.integer({ min: 1, max: 1200 }),
      offsetBps: fc.integer({ min: -80, max: 80 }),
      fillFraction: fc.constantFrom(0, 0.25, 0.5, 1),
      midCents: fc.integer({ min: 9000, max: 11000 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80 }), (steps) => {
        const { risk, quotes } = setup({
          maxLossUsd: 1e12,
          maxDrawdownUsd: 1e12,
          maxPortfolioNotionalUsd: 1e12,
          maxOrderNotionalUsd: 1e12,
        });
        for (const st of steps) {
          const mid = st.midCents / 100;
          quotes.publish(Object.assign(quoteTick(0, 0, mid - 0.01, mid + 0.01), { recvTsNs: 1_000_000 }));
          const px = Math.round(mid * (1 + st.offsetBps / 1e4) * 100) / 100;
          const o = order({ side: st.side, qty: st.qty, limitPx: px });
          const pos = risk.positions.position[0];
          const ok = risk.onOrder(o);
          const band = (Math.abs(px - mid) / mid) * 1e4 > LIMITS.priceBandBps;
          const tooBig = st.qty > LIMITS.maxOrderQty;
          const grows = Math.abs(pos + st.side * st.qty) > Math.abs(pos);
          const overLimit = grows && Math.abs(pos + st.side * st.qty) > LIMITS.maxPositionQty;
          if (tooBig) expect(risk.lastReject).toBe('max_order_size');
          else if (band) expect(risk.lastReject).toBe('price_band');
          else if (overLimit) expect(risk.lastReject).toBe('max_position');
          else expect(ok).toBe(true);
          if (!ok) continue;
          const q = Math.floor(st.qty * st.fillFraction);
          if (q > 0) risk.onExecReport(fill(o, q, px, 0.01));
          if (q < st.qty) risk.onExecReport(report(ExecKind.expired, o, { leavesQty: st.qty - q }));
          expect(Math.abs(risk.positions.position[0])).toBeLessThanOrEqual(LIMITS.maxPositionQty);
          const b = risk.positions;
          const lhs = b.cash + b.position[0] * mid;
          const rhs = b.realized[0] + b.unrealized(0, mid) - b.fees[0];
          expect(Math.abs(lhs - rhs)).toBeLessThan(0.005);
        }
        expect(risk.orders.openCount).toBe(0);
        expect(risk.orders.anomalies).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('RiskStage cancel-all (kill switch, recovery, reconciliation)', () => {
  /** Opens three orders (one partly filled) and returns the stage with them. */
  function withOpenOrders() {
    const s = setup();
    const orders = [order({ qty: 100 }), order({ side: -1, qty: 50, limitPx: 99.99 }), order({ qty: 30 })];
    for (const o of orders) expect(s.risk.onOrder(o)).toBe(true);
    s.risk.onExecReport(fill(orders[0], 40, 100.01));
    return { ...s, orders };
  }

  function pass(risk: RiskStage, room = Number.POSITIVE_INFINITY) {
    const sent: Order[] = [];
    const complete = risk.cancelOpenOrders(OrderCodec.create(), (c) => {
      if (sent.length >= room) return false;
      sent.push({ ...c });
      return true;
    });
    return { sent, complete };
  }

  it('cancels every open order for its remaining quantity, once per kill-switch trip', () => {
    const { risk, orders, count } = withOpenOrders();
    expect(risk.onControl(TradingState.halted, true, 0)).toBe(true);
    const { sent, complete } = pass(risk);
    expect(complete).toBe(true);
    expect(sent.map((c) => [c.clientOrderId, c.type, c.qty, c.side]).sort((a, b) => a[0] - b[0])).toEqual([
      [orders[0].clientOrderId, OrderType.cancel, 60, 1],
      [orders[1].clientOrderId, OrderType.cancel, 50, -1],
      [orders[2].clientOrderId, OrderType.cancel, 30, 1],
    ]);
    expect(count('kill_switch_cancels')).toBe(3);
    // Still tripped: no second pass. Reset, then a new trip cancels again.
    expect(risk.onControl(TradingState.halted, true, 0)).toBe(false);
    expect(risk.onControl(TradingState.active, false, 0)).toBe(false);
    expect(risk.onControl(TradingState.halted, true, 0)).toBe(true);
  });

  it('repeats a pass that ran out of ring room until every cancel was written', () => {
    const { risk } = withOpenOrders();
    expect(risk.onControl(TradingState.halted, true, 0)).toBe(true);
    expect(pass(risk, 1)).toMatchObject({ complete: false });
    expect(risk.onControl(TradingState.halted, true, 0)).toBe(true);
    expect(pass(risk).complete).toBe(true);
    expect(risk.onControl(TradingState.halted, true, 0)).toBe(false);
  });

  it('cancels after a reconciliation and at start after a recovery, not for the count it started at', () => {
    const { risk } = withOpenOrders();
    risk.cancelAll.startAt(7); // the count when the risk node was built
    expect(risk.onControl(TradingState.active, false, 7)).toBe(false);
    expect(risk.onControl(TradingState.active, false, 8)).toBe(true);
    expect(pass(risk).sent).toHaveLength(3);
    expect(risk.onControl(TradingState.active, false, 8)).toBe(false);
    risk.cancelAll.requestAtStart();
    expect(risk.onControl(TradingState.active, false, 8)).toBe(true);
  });
});
