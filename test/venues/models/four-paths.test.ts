/**
 * The four simulated venue paths give the same fills for the same seed, quote stream and order
 * stream: the daemon's simulated gateway, `hft venues`' book, the backtest exchange and the
 * venue world's tape match (the routing environment's venue). The quotes are a venue-world
 * episode; the orders and their round trips (the world's own latency law in its hidden state)
 * follow from the seed.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { OrderType } from '../../../src/shm/records.js';
import { FeeModel, Liquidity } from '../../../src/venues/models/fee-model.js';
import { OrderLatency } from '../../../src/venues/models/order-latency.js';
import { WorldTape } from '../../../src/venues/models/world-tape.js';
import {
  type Fill,
  type OrderEvent,
  type QuoteEvent,
  runBacktest,
  runGateway,
  runTape,
  runVenueBooks,
  tapeQuotes,
} from './four-path-drivers.js';
import { twoVenueWorld } from './world-fixtures.js';

const SPAN_NS = 1.5e9;
/** Taker 1 bp and 0.8 bp; makers earn a 0.2 bp rebate. */
const FEES = new FeeModel(Float64Array.of(1, 0.8), Float64Array.of(-0.2, -0.2));

/**
 * Clusters of 1-3 IOCs to one venue a few microseconds apart (so some meet a touch an earlier one
 * already took from), limited at the true touch when sent or a tick either side of it.
 */
function iocOrders(tape: WorldTape, seed: number): OrderEvent[] {
  const rng = new Random(seed);
  const latency = new OrderLatency(tape.p.venues);
  const tick = tape.p.tickPx;
  const orders: OrderEvent[] = [];
  for (let tNs = 5e6; tNs < SPAN_NS - 10e6; tNs += 2e6 + rng.next() * 4e6) {
    const venueId = rng.next() < 0.5 ? 0 : 1;
    const n = 1 + Math.floor(rng.next() * 3);
    for (let k = 0; k < n; k++) {
      const sentNs = tNs + k * rng.next() * 5e3;
      const side = rng.next() < 0.5 ? 1 : -1;
      const b = tape.books[venueId];
      const i = tape.bookIndexAt(venueId, sentNs);
      const touchTicks = side > 0 ? b.ask.data[i] : b.bid.data[i];
      const offset = Math.floor(rng.next() * 3) - 1;
      orders.push({
        id: orders.length + 1,
        sentNs,
        venueId,
        side,
        qty: 50 + Math.floor(rng.next() * 12) * 50,
        limitPx: (touchTicks + side * offset) * tick,
        type: OrderType.limitIoc,
        ttlNs: 0,
        roundTripNs: latency.sampleRoundTripNs(
          venueId,
          tape.congestedAt(venueId, sentNs),
          tape.burstAt(venueId, sentNs),
          rng,
        ),
      });
    }
  }
  return orders;
}

const byId = (fills: Fill[]) => [...fills].sort((a, b) => a.id - b.id);

describe('one venue simulation, four paths', () => {
  for (const seed of [7, 2024]) {
    it(`gives the same IOC fills (price, quantity, fee, liquidity) on every path, seed ${seed}`, () => {
      const tape = new WorldTape(twoVenueWorld(), seed, SPAN_NS);
      const quotes = tapeQuotes(tape);
      const orders = iocOrders(tape, seed);
      const gateway = runGateway(quotes, orders, FEES, 2);
      const books = runVenueBooks(quotes, orders, FEES, 2);
      const backtest = runBacktest(quotes, orders, FEES, 2);
      const world = runTape(tape, orders, FEES);

      const fills = byId(gateway.fills);
      expect(byId(books.fills)).toEqual(fills);
      expect(byId(backtest.fills)).toEqual(fills);
      expect(byId(world.fills)).toEqual(fills);
      expect(books.outcomes).toEqual(gateway.outcomes);
      expect(backtest.outcomes).toEqual(gateway.outcomes);
      expect(world.outcomes).toEqual(gateway.outcomes);

      // Not vacuous: full fills, partial fills, misses, and orders cut short by what an earlier
      // order of ours took from the same touch.
      const qtyOf = new Map(orders.map((o) => [o.id, o.qty]));
      expect(orders.length).toBeGreaterThan(300);
      expect(fills.filter((f) => f.qty === qtyOf.get(f.id)).length).toBeGreaterThan(20);
      expect(fills.filter((f) => f.qty < (qtyOf.get(f.id) ?? 0)).length).toBeGreaterThan(5);
      expect(orders.length - fills.length).toBeGreaterThan(20);
      expect(fills.every((f) => f.liquidity === Liquidity.taker && f.feeUsd > 0)).toBe(true);
      const fee0 = fills.find((f) => orders[f.id - 1].venueId === 0);
      expect(fee0?.feeUsd).toBeCloseTo(((fee0?.qty ?? 0) * (fee0?.px ?? 0) * 1) / 1e4, 12);
    });
  }

  it('takes shares an earlier order took from the same touch only once the venue requotes', () => {
    const quotes: QuoteEvent[] = [
      { tNs: 0, venueId: 0, bidPx: 99.99, askPx: 100.01, bidQty: 300, askQty: 300 },
      { tNs: 2e6, venueId: 0, bidPx: 99.99, askPx: 100.01, bidQty: 300, askQty: 300 },
    ];
    const ioc = (id: number, sentNs: number): OrderEvent => ({
      id,
      sentNs,
      venueId: 0,
      side: 1,
      qty: 200,
      limitPx: 100.01,
      type: OrderType.limitIoc,
      ttlNs: 0,
      roundTripNs: 200e3,
    });
    const orders = [ioc(1, 1e6), ioc(2, 1.01e6), ioc(3, 3e6)];
    const expected = [
      { id: 1, qty: 200, px: 100.01 },
      { id: 2, qty: 100, px: 100.01 },
      { id: 3, qty: 200, px: 100.01 },
    ];
    for (const run of [runGateway, runVenueBooks, runBacktest]) {
      const got = byId(run(quotes, orders, FEES, 1).fills).map(({ id, qty, px }) => ({ id, qty, px }));
      expect(got).toEqual(expected);
    }
  });
});

describe('resting orders: the gateway and the backtest exchange', () => {
  it('fill a GTC whole at its own price as a maker when the market crosses it', () => {
    const quotes: QuoteEvent[] = [
      { tNs: 0, venueId: 0, bidPx: 99.99, askPx: 100.01, bidQty: 300, askQty: 80 },
      { tNs: 5e6, venueId: 0, bidPx: 99.98, askPx: 100.0, bidQty: 300, askQty: 40 },
    ];
    const gtc = (id: number, side: number, limitPx: number): OrderEvent => ({
      id,
      sentNs: 1e6,
      venueId: 0,
      side,
      qty: 200,
      limitPx,
      type: OrderType.limitGtc,
      ttlNs: 1e9,
      roundTripNs: 200e3,
    });
    // 1 takes the 80 offered at 100.01 and rests the other 120 at 100.01, the bid ahead of the
    // 99.99 touch; 2 rests at 100.00. At 5 ms the offer comes down to 100.00: it reaches both.
    const orders = [gtc(1, 1, 100.01), { ...gtc(2, 1, 100.0), sentNs: 1.5e6 }];
    const expected: Fill[] = [
      { id: 1, qty: 80, px: 100.01, feeUsd: (80 * 100.01 * 1) / 1e4, liquidity: Liquidity.taker },
      { id: 1, qty: 120, px: 100.01, feeUsd: (120 * 100.01 * -0.2) / 1e4, liquidity: Liquidity.maker },
      { id: 2, qty: 200, px: 100.0, feeUsd: (200 * 100.0 * -0.2) / 1e4, liquidity: Liquidity.maker },
    ];
    for (const run of [runGateway, runBacktest]) {
      const got = run(quotes, orders, FEES, 1).fills;
      expect(got.map((f) => [f.id, f.qty, f.px, f.liquidity])).toEqual(
        expected.map((f) => [f.id, f.qty, f.px, f.liquidity]),
      );
      for (const [i, f] of got.entries()) expect(f.feeUsd).toBeCloseTo(expected[i].feeUsd, 12);
    }
  });
});
