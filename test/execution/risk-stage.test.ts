import { describe, expect, it } from 'vitest';
import { RiskStage } from '../../src/execution/risk-stage.js';
import { ExecKind, ExecReportCodec, type Order, OrderCodec } from '../../src/shm/records.js';
import { quoteTick, stageFixture } from '../fixtures.js';

const LIMITS = { maxOrderQty: 1000, maxPositionQty: 1500, maxPortfolioNotionalUsd: 1_000_000 };

function setup(limits = LIMITS) {
  const f = stageFixture();
  f.quotes.publish(quoteTick(0, 0, 99.99, 100.01));
  f.quotes.publish(quoteTick(1, 1, 199.98, 200.02));
  const risk = new RiskStage(f.registry.symbolCount, limits, f.quotes, f.clock, f.metrics);
  return { ...f, risk, count: (n: string) => f.metrics.counters.byName(n) };
}

function order(patch: Partial<Order>): Order {
  return Object.assign(
    OrderCodec.create(),
    { clientOrderId: 1, symbolId: 0, venueId: 0, side: 1, qty: 100, limitPx: 100.01 },
    patch,
  );
}

function fill(symbolId: number, side: number, qty: number, px: number, leavesQty = 0) {
  return Object.assign(ExecReportCodec.create(), {
    kind: ExecKind.fill,
    symbolId,
    side,
    fillQty: qty,
    fillPx: px,
    leavesQty,
  });
}

describe('RiskStage', () => {
  it('approves an order inside every limit and reserves its quantity as open', () => {
    const { risk, count } = setup();
    expect(risk.onOrder(order({}))).toBe(true);
    expect(risk.openBuyQty[0]).toBe(100);
    expect(count('risk_checks')).toBe(1);
    expect(count('orders_rejected_risk')).toBe(0);
  });

  it.each([
    ['max_order_size', { qty: 1001 }],
    ['bad_order', { qty: 0 }],
    ['bad_order', { qty: Number.NaN }],
    ['bad_order', { limitPx: -1 }],
    ['bad_order', { symbolId: 9 }],
  ])('rejects with %s (%o)', (reason, patch) => {
    const { risk, count } = setup();
    expect(risk.onOrder(order(patch))).toBe(false);
    expect(count(`risk_reject_${reason}`)).toBe(1);
    expect(count('orders_rejected_risk')).toBe(1);
    expect(risk.openBuyQty[0]).toBe(0);
  });

  it('rejects an order for a symbol no venue has quoted yet', () => {
    const f = stageFixture();
    const risk = new RiskStage(2, LIMITS, f.quotes, f.clock, f.metrics);
    expect(risk.onOrder(order({}))).toBe(false);
    expect(f.metrics.counters.byName('risk_reject_no_reference_price')).toBe(1);
  });

  it('counts open orders against the position limit, and releases them on fill and expiry', () => {
    const { risk, count } = setup();
    expect(risk.onOrder(order({ qty: 1000 }))).toBe(true);
    expect(risk.onOrder(order({ qty: 600 }))).toBe(false); // 1000 open + 600 > 1500
    expect(count('risk_reject_max_position')).toBe(1);
    risk.onExecReport(fill(0, 1, 400, 100.01, 600));
    risk.onExecReport(
      Object.assign(ExecReportCodec.create(), {
        kind: ExecKind.expired,
        symbolId: 0,
        side: 1,
        leavesQty: 600,
      }),
    );
    expect(risk.positions.position[0]).toBe(400);
    expect(risk.openBuyQty[0]).toBe(0);
    expect(risk.onOrder(order({ qty: 1000 }))).toBe(true); // 400 + 1000 <= 1500
    expect(risk.onOrder(order({ qty: 200 }))).toBe(false);
  });

  it('always lets a position-reducing order through the position limit', () => {
    const { risk } = setup({ ...LIMITS, maxPositionQty: 100 });
    risk.onExecReport(fill(0, 1, 100, 100));
    expect(risk.onOrder(order({ side: -1, qty: 100, limitPx: 99.99 }))).toBe(true);
  });

  it('rejects orders that would take gross notional over max_portfolio_value', () => {
    const { risk, count } = setup({ ...LIMITS, maxPortfolioNotionalUsd: 50_000 });
    risk.onExecReport(fill(0, 1, 400, 100)); // $40k long
    expect(risk.onOrder(order({ qty: 50 }))).toBe(true); // ~$45k with the open order
    expect(risk.onOrder(order({ qty: 60 }))).toBe(false);
    expect(count('risk_reject_max_portfolio_value')).toBe(1);
  });

  it('rejects everything with reason halted while trading is halted', () => {
    const { risk, count } = setup();
    risk.setHalted(true);
    expect(risk.onOrder(order({}))).toBe(false);
    expect(count('risk_reject_halted')).toBe(1);
    risk.setHalted(false);
    expect(risk.onOrder(order({}))).toBe(true);
  });

  it('publishes P&L and positions marked to the cross-venue mid', () => {
    const { risk, count } = setup();
    risk.onExecReport(fill(0, 1, 100, 99));
    risk.onExecReport(Object.assign(fill(0, 1, 100, 99), { feeUsd: 2 }));
    risk.publishPnl();
    expect(count('symbol_0_position')).toBe(200);
    expect(count('pnl_unrealized')).toBeCloseTo(200 * (100 - 99), 9);
    expect(count('pnl_fees')).toBe(2);
    expect(count('gross_notional')).toBeCloseTo(20_000, 6);
  });
});
