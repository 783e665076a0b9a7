/**
 * Known-answer tests: tiny hand-built markets where every fill, queue position and fee is
 * worked out by hand below (latency 100 us each way, taker fee 1 bp, maker fee 0.2 bp).
 */
import { describe, expect, it } from 'vitest';
import type { BacktestData } from '../../src/backtest/backtest-data.js';
import { BacktestExchange } from '../../src/backtest/backtest-exchange.js';
import { ExchangeMarket } from '../../src/backtest/exchange-market.js';
import { ConstantOrderLatency } from '../../src/backtest/order-latency.js';
import { RecordTable } from '../../src/backtest/record-table.js';
import { asVenueId } from '../../src/core/ids.js';
import {
  ExecKind,
  type ExecReport,
  ExecReportCodec,
  LatencySampleCodec,
  LatencySampleLayout,
  OrderCodec,
  OrderType,
  type Tick,
  TickCodec,
  TickFlag,
  TickLayout,
} from '../../src/shm/records.js';
import { FeeModel } from '../../src/venues/models/fee-model.js';
import { probabilisticQueue, type QueueModel, riskAverseQueue } from '../../src/venues/models/queue-model.js';

const US = 1e3;
type Q = { t: number; v?: number; bid: number; ask: number; bq: number; aq: number };
type T = { t: number; v?: number; px: number; qty: number };

function market(events: (Q | T)[], venues = 1): BacktestData {
  const ticks = new RecordTable(TickCodec, TickLayout);
  const tick: Tick = TickCodec.create();
  for (const e of events) {
    Object.assign(tick, TickCodec.create(), { exchTsNs: e.t * US, recvTsNs: e.t * US + 10 * US });
    tick.venueId = asVenueId(e.v ?? 0);
    if ('bid' in e) {
      Object.assign(tick, { bidPx: e.bid, askPx: e.ask, bidQty: e.bq, askQty: e.aq, flags: TickFlag.quote });
    } else Object.assign(tick, { lastPx: e.px, lastQty: e.qty, flags: TickFlag.trade });
    ticks.push(tick);
  }
  const venueNames = Array.from({ length: venues }, (_, i) => `V${i}`);
  return {
    registry: { symbols: ['AAA'], venues: venueNames },
    origin: 'test',
    wallOffsetNs: 0,
    ticks,
    samples: new RecordTable(LatencySampleCodec, LatencySampleLayout),
  };
}

function exchange(data: BacktestData, queue: QueueModel = riskAverseQueue, venues = 1) {
  const hindsight: { id: number; venue: number; px: number }[] = [];
  const ex = new BacktestExchange({
    market: new ExchangeMarket(data, venues, 1),
    latency: new ConstantOrderLatency(Array(venues).fill(200 * US)),
    queue,
    fees: new FeeModel(new Float64Array(venues).fill(1), new Float64Array(venues).fill(0.2)),
    hindsight: { onHindsight: (id, venue, px) => hindsight.push({ id, venue, px }) },
  });
  return { ex, hindsight };
}

function order(
  id: number,
  side: 1 | -1,
  qty: number,
  px: number,
  type: number = OrderType.limitIoc,
  venueId = 0,
) {
  return Object.assign(OrderCodec.create(), {
    clientOrderId: id,
    side,
    qty,
    limitPx: px,
    type,
    venueId,
    ttlNs: type === OrderType.limitGtc ? 1e9 : 0,
  });
}

/** Every report due up to `untilUs`, in order. */
function drain(ex: BacktestExchange, untilUs: number): ExecReport[] {
  const out: ExecReport[] = [];
  for (;;) {
    const due = Math.max(ex.nextDueNs(), 0);
    if (due > untilUs * US) {
      const r = ExecReportCodec.create();
      if (!ex.nextReport(untilUs * US, r)) return out;
      out.push(r);
      continue;
    }
    const r = ExecReportCodec.create();
    if (ex.nextReport(due, r)) out.push(r);
  }
}

const kinds = (rs: ExecReport[]) => rs.map((r) => r.kind);

describe('BacktestExchange: IOC orders and latency', () => {
  const book = market([
    { t: 0, bid: 99.99, ask: 100.01, bq: 100, aq: 100 },
    { t: 1050, bid: 100.0, ask: 100.02, bq: 100, aq: 50 },
  ]);

  it('matches at the book the order meets after its entry latency, and answers after the response latency', () => {
    const { ex } = exchange(book);
    ex.submit(order(1, 1, 80, 100.05), 1000 * US); // arrives at 1100 us: the 1050 us book
    expect(drain(ex, 1199)).toEqual([]);
    const rs = drain(ex, 1200);
    expect(kinds(rs)).toEqual([ExecKind.ack, ExecKind.fill, ExecKind.expired]);
    expect(rs.every((r) => r.recvTsNs === 1200 * US && r.venueTsNs === 1100 * US)).toBe(true);
    expect(rs[1].fillQty).toBe(50);
    expect(rs[1].fillPx).toBe(100.02);
    expect(rs[1].feeUsd).toBeCloseTo((50 * 100.02 * 1) / 1e4, 12);
    expect(rs[2].leavesQty).toBe(30);
  });

  it('an order sent earlier arrives before the book moved and fills at the older price', () => {
    const { ex } = exchange(book);
    ex.submit(order(1, 1, 80, 100.05), 900 * US); // arrives at 1000 us: the 0 us book
    const rs = drain(ex, 2000);
    expect(kinds(rs)).toEqual([ExecKind.ack, ExecKind.fill]);
    expect([rs[1].fillQty, rs[1].fillPx, rs[1].leavesQty, rs[1].recvTsNs]).toEqual([
      80,
      100.01,
      0,
      1100 * US,
    ]);
  });

  it('does not fill a buy limited below the ask', () => {
    const { ex } = exchange(book);
    ex.submit(order(1, 1, 80, 100.0), 900 * US);
    expect(kinds(drain(ex, 2000))).toEqual([ExecKind.ack, ExecKind.expired]);
  });

  it('rejects an order for a venue with no quote yet', () => {
    const { ex } = exchange(market([{ t: 5000, bid: 1, ask: 2, bq: 1, aq: 1 }]));
    ex.submit(order(1, 1, 10, 3), 0);
    expect(kinds(drain(ex, 1000))).toEqual([ExecKind.reject]);
    expect(ex.inFlight).toBe(0);
  });

  it('names the venue that was best in hindsight, net of taker fees', () => {
    const two = market(
      [
        { t: 0, v: 0, bid: 99.99, ask: 100.02, bq: 100, aq: 100 },
        { t: 0, v: 1, bid: 99.99, ask: 100.01, bq: 100, aq: 100 },
      ],
      2,
    );
    const { ex, hindsight } = exchange(two, riskAverseQueue, 2);
    ex.submit(order(7, 1, 10, 101), 1000 * US);
    drain(ex, 5000);
    expect(hindsight).toEqual([{ id: 7, venue: 1, px: 100.01 * (1 + 1e-4) }]);
  });
});

describe('BacktestExchange: resting orders and queue position', () => {
  const bid = { ask: 100.01, aq: 500 };
  const queueMarket = market([
    { t: 0, bid: 99.99, bq: 300, ...bid },
    { t: 2000, px: 99.99, qty: 200 }, // 100 left ahead
    { t: 2000, bid: 99.99, bq: 100, ...bid },
    { t: 3000, bid: 99.99, bq: 50, ...bid }, // 50 cancelled: ahead of us or behind?
    { t: 4000, px: 99.99, qty: 90 },
    { t: 5000, px: 99.99, qty: 100 },
  ]);

  it('risk-averse: only trades at our price advance the queue', () => {
    const { ex } = exchange(queueMarket, riskAverseQueue);
    ex.submit(order(1, 1, 100, 99.99, OrderType.limitGtc), 900 * US); // rests at 1000 us behind 300
    const rs = drain(ex, 10_000);
    // Ahead: 300, -200 traded = 100; the level shrinking to 50 caps it at 50; -90 traded = -40:
    // 40 filled at 4000 us. Then front 0, -100 traded: the last 60 at 5000 us.
    expect(kinds(rs)).toEqual([ExecKind.ack, ExecKind.fill, ExecKind.fill]);
    expect([rs[1].fillQty, rs[1].fillPx, rs[1].venueTsNs]).toEqual([40, 99.99, 4000 * US]);
    expect(rs[1].feeUsd).toBeCloseTo((40 * 99.99 * 0.2) / 1e4, 12);
    expect([rs[2].fillQty, rs[2].leavesQty, rs[2].recvTsNs]).toEqual([60, 0, 5100 * US]);
  });

  it('probabilistic (power 2): a shrinking level also moves us up, by the share ahead of us', () => {
    const { ex } = exchange(queueMarket, probabilisticQueue(2));
    ex.submit(order(1, 1, 100, 99.99, OrderType.limitGtc), 900 * US);
    const rs = drain(ex, 10_000);
    // Join: front 300, back 0. Trade 200: front 100 (traded 200 since the last depth update).
    // Depth 300 -> 100: shrink 200 - 200 traded = 0, front min(100, 100) = 100.
    // Depth 100 -> 50: shrink 50, front 100, back 0: P(behind) = 0 -> front 100 - 50 = 50.
    // Trade 90: front -40 -> 40 filled at 4000 us; trade 100: the last 60 at 5000 us.
    expect(rs.filter((r) => r.kind === ExecKind.fill).map((r) => [r.fillQty, r.venueTsNs])).toEqual([
      [40, 4000 * US],
      [60, 5000 * US],
    ]);
  });

  it('probabilistic (power 2): with orders behind us, only part of a cancellation is ahead', () => {
    const m = market([
      { t: 0, bid: 99.99, bq: 150, ...bid },
      { t: 2000, bid: 99.99, bq: 250, ...bid }, // 100 joined behind us
      { t: 3000, bid: 99.99, bq: 200, ...bid }, // 50 cancelled somewhere
      { t: 4000, px: 99.99, qty: 120 },
    ]);
    const { ex } = exchange(m, probabilisticQueue(2));
    ex.submit(order(1, 1, 100, 99.99, OrderType.limitGtc), 900 * US); // front 150
    const rs = drain(ex, 10_000);
    // Depth 150 -> 250: front min(150, 250) = 150, back 100. Depth 250 -> 200: shrink 50,
    // P(behind) = 100^2 / (100^2 + 150^2) = 0.3077; front = 150 - (1 - 0.3077) * 50 = 115.38.
    // Trade 120: front -4.62 -> 4 shares filled (whole shares).
    const pBehind = 100 ** 2 / (100 ** 2 + 150 ** 2);
    const front = 150 - (1 - pBehind) * 50;
    expect(front).toBeCloseTo(115.3846, 4);
    const fills = rs.filter((r) => r.kind === ExecKind.fill);
    expect(fills.map((r) => r.fillQty)).toEqual([Math.floor(120 - front)]);
    expect(fills[0].fillQty).toBe(4);
  });

  it('fills everything at our price when the market crosses it or trades through it', () => {
    const m = market([
      { t: 0, bid: 99.99, bq: 300, ...bid },
      { t: 2000, px: 99.97, qty: 5 }, // a trade below our bid at 99.98: we were hit first
      { t: 3000, bid: 100.0, ask: 100.02, bq: 10, aq: 10 },
      { t: 4000, bid: 100.02, ask: 100.04, bq: 10, aq: 10 }, // bid crosses our 100.03 ask? no: 100.02
      { t: 5000, bid: 100.03, ask: 100.05, bq: 10, aq: 10 }, // now it does
    ]);
    const { ex } = exchange(m);
    ex.submit(order(1, 1, 30, 99.98, OrderType.limitGtc), 900 * US); // behind the touch
    ex.submit(order(2, -1, 20, 100.03, OrderType.limitGtc), 900 * US); // rests at 1000 us
    const rs = drain(ex, 10_000);
    const fill = (id: number) => rs.find((r) => r.clientOrderId === id && r.kind === ExecKind.fill)!;
    expect([fill(1).fillQty, fill(1).fillPx, fill(1).venueTsNs]).toEqual([30, 99.98, 2000 * US]);
    expect([fill(2).fillQty, fill(2).fillPx, fill(2).venueTsNs]).toEqual([20, 100.03, 5000 * US]);
  });

  it('expires at the end of its life, and cancels after the cancel has travelled', () => {
    const m = market([{ t: 0, bid: 99.99, bq: 300, ...bid }]);
    const { ex } = exchange(m);
    ex.submit(order(1, 1, 10, 99.99, OrderType.limitGtc), 0); // rests at 100 us, expires at 1.0001 s
    ex.submit(order(2, 1, 10, 99.99, OrderType.limitGtc), 0);
    expect(ex.cancel(2, 500 * US, ExecReportCodec.create())).toBe(false); // arrives at 600 us
    const rs = drain(ex, 2_000_000);
    const end = (id: number) => rs.filter((r) => r.clientOrderId === id).at(-1)!;
    expect([end(2).kind, end(2).venueTsNs, end(2).recvTsNs]).toEqual([ExecKind.cancel, 600 * US, 700 * US]);
    expect([end(1).kind, end(1).venueTsNs, end(1).leavesQty]).toEqual([ExecKind.expired, 1e9 + 100 * US, 10]);
    expect(ex.inFlight).toBe(0);
    const unknown = ExecReportCodec.create();
    expect(ex.cancel(99, 0, unknown)).toBe(true);
    expect(unknown.kind).toBe(ExecKind.cancel);
  });
});
