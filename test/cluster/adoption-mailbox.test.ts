/**
 * A takeover's hand-over to risk, without threads or a cluster: main's records through the shared
 * mailbox into a RiskStage (positions seeded, open orders tracked and then cancelled, ids left
 * alone), and the standby gate that keeps another shard's symbols untraded.
 */
import { describe, expect, it } from 'vitest';
import { AdoptionMailbox, createAdoptionMailbox } from '../../src/cluster/adoption-mailbox.js';
import { adoptionRecords, type ShardState } from '../../src/cluster/shard-adoption.js';
import { RiskStage } from '../../src/execution/risk-stage.js';
import { ADOPTED_ORDER, JournalKind, type Order, OrderCodec } from '../../src/shm/records.js';
import { quoteTick, stageFixture } from '../fixtures.js';

function setup() {
  const f = stageFixture(['AAPL', 'MSFT']);
  f.quotes.publish(Object.assign(quoteTick(0, 0, 99.99, 100.01), { recvTsNs: 1_000_000 }));
  f.quotes.publish(Object.assign(quoteTick(1, 1, 199.98, 200.02), { recvTsNs: 1_000_000 }));
  const limits = {
    maxOrderQty: 1000,
    maxOrderNotionalUsd: 1e6,
    maxPositionQty: 1e4,
    maxPortfolioNotionalUsd: 1e7,
    priceBandBps: 50,
    staleQuoteNs: 1e9,
    maxOrdersPerSec: 1e6,
    maxOpenOrders: 100,
    maxLossUsd: 1e6,
    maxDrawdownUsd: 1e6,
  };
  const risk = new RiskStage(2, limits, f.quotes, f.clock, f.metrics, {
    trip: () => true,
    reset: () => true,
  });
  return { ...f, risk };
}

const order = (id: number, symbolId: number, limitPx: number): Order =>
  Object.assign(OrderCodec.create(), {
    clientOrderId: id,
    symbolId,
    venueId: 0,
    side: 1,
    qty: 10,
    limitPx,
    routeTsNs: 1_000_000,
  });

/** MSFT's shard as another daemon's journal left it: a position and one open order. */
const MSFT_STATE: ShardState = {
  records: 12,
  bytes: 1234,
  positions: [{ symbol: 'MSFT', qty: -30, avgPx: 201, realized: 15, fees: 2 }],
  openOrders: [
    {
      clientOrderId: 7 * 2 ** 32 + 5,
      symbol: 'MSFT',
      venue: 'B',
      side: 1,
      qty: 40,
      filledQty: 10,
      limitPx: 199.5,
    },
  ],
};

describe('adoption mailbox', () => {
  it('hands another shard’s position and open orders to risk, which cancels the orders and keeps its ids', () => {
    const f = setup();
    expect(f.risk.onOrder(order(100, 0, 100.01))).toBe(true);
    const records = adoptionRecords(MSFT_STATE, f.registry, 5);
    expect(records.map((r) => r.kind)).toEqual([JournalKind.positionSeed, JournalKind.approved]);
    expect(records[1]).toMatchObject({ qty: 30, reason: ADOPTED_ORDER, venueId: 1 });
    // Main and risk each view the same shared buffer (in the daemon, from two threads).
    const handle = createAdoptionMailbox(8);
    const main = new AdoptionMailbox(handle);
    const riskSide = new AdoptionMailbox(handle);
    const seq = main.post(records);
    expect(riskSide.pending()).toBe(true);
    riskSide.take((e) => f.risk.adopt(e));
    expect(riskSide.pending()).toBe(false);
    expect(f.risk.positions.position[1]).toBe(-30);
    expect(f.risk.positions.avgPx[1]).toBe(201);
    expect(f.risk.positions.realized[1]).toBe(15);
    expect(f.risk.orders.openCount).toBe(2);
    expect(f.risk.openBuyQty[1]).toBe(30);
    // Risk cancels the adopted order (and, as after a recovery, every open one) once.
    expect(f.risk.onControl(0, false, 0)).toBe(true);
    const cancelled: number[] = [];
    f.risk.cancelOpenOrders(OrderCodec.create(), (c) => cancelled.push(c.clientOrderId) > 0);
    expect(cancelled.sort((a, b) => a - b)).toEqual([100, MSFT_STATE.openOrders[0].clientOrderId]);
    // The adopted id (another run's range) does not move this run's ids: 101 is not a duplicate.
    expect(f.risk.onOrder(order(101, 0, 100.01))).toBe(true);
    return main.applied(seq, 100).then((ok) => expect(ok).toBe(true));
  });

  it('refuses orders for symbols on standby as shard_not_owned, and trades them once released', () => {
    const f = setup();
    const standby = f.metrics.slot('symbol_1_standby');
    f.metrics.counters.set(standby, 1);
    expect(f.risk.onOrder(order(1, 1, 200.01))).toBe(false);
    expect(f.risk.lastReject).toBe('shard_not_owned');
    expect(f.risk.onOrder(order(2, 0, 100.01))).toBe(true);
    f.metrics.counters.set(standby, 0);
    expect(f.risk.onOrder(order(3, 1, 200.01))).toBe(true);
  });

  it('refuses a batch larger than the mailbox, and a second batch before the first is applied', () => {
    const main = new AdoptionMailbox(createAdoptionMailbox(1));
    const records = adoptionRecords(MSFT_STATE, stageFixture(['AAPL', 'MSFT']).registry, 0);
    expect(() => main.post(records)).toThrow(/room for 1/);
    main.post(records.slice(0, 1));
    expect(() => main.post(records.slice(1))).toThrow(/not applied yet/);
  });
});
