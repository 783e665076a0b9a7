import { describe, expect, it } from 'vitest';
import { createForecastTable, ForecastTable } from '../../src/ml/forecast-table.js';
import { BestPriceRouter } from '../../src/routing/best-price-router.js';
import { LowestLatencyRouter } from '../../src/routing/lowest-latency-router.js';
import { RoundRobinRouter } from '../../src/routing/round-robin-router.js';
import { RouteStage } from '../../src/routing/route-stage.js';
import type { Router } from '../../src/routing/router.js';
import { ControlBlock, createControlBlock, VenueFlag } from '../../src/run-state/control-block.js';
import { OrderCodec, OrderType, type Tick } from '../../src/shm/records.js';
import type { OrderIntent, Strategy } from '../../src/strategies/strategy.js';
import { quoteTick, routedIntent, stageFixture } from '../fixtures.js';

/** Buys (or sells) 100 on every tick of symbol 0. */
function always(side: number): Strategy {
  return {
    id: 9,
    name: 'always',
    onTick(tick, book, intents: OrderIntent[]) {
      if (tick.symbolId !== 0) return 0;
      routedIntent(intents[0], book, side, 100);
      return 1;
    },
  };
}

function setup(router: Router, side = 1, fees = Float64Array.of(0, 0, 0)) {
  const f = stageFixture(['AAPL'], ['A', 'B', 'C']);
  const forecasts = new ForecastTable(createForecastTable(3));
  const control = new ControlBlock(createControlBlock(1));
  const stage = new RouteStage(1, 3, always(side), router, forecasts, fees, control, f.clock, f.metrics);
  const order = OrderCodec.create();
  const send = (t: Tick) => stage.onTick(t, [order]) === 1;
  return { ...f, stage, forecasts, order, send, control };
}

const stamped = (t: Tick, recv: number) => Object.assign(t, { recvTsNs: recv, ingestTsNs: recv + 1 });

describe('RouteStage', () => {
  it('best-price buys at the lowest ask, as a marketable IOC, carrying the tick stamps', () => {
    const { send, order, clock, metrics } = setup(new BestPriceRouter());
    send(stamped(quoteTick(0, 0, 10.0, 10.03), 1));
    send(stamped(quoteTick(0, 1, 10.0, 10.01), 3));
    clock.set(50);
    expect(send(stamped(quoteTick(0, 2, 9.99, 10.02), 5))).toBe(true);
    expect(order.venueId).toBe(1);
    expect(order.limitPx).toBe(10.01);
    expect(order.type).toBe(OrderType.limitIoc);
    expect(order.side).toBe(1);
    expect(order.tickRecvTsNs).toBe(5);
    expect(order.tickIngestTsNs).toBe(6);
    expect(order.routeTsNs).toBe(50);
    expect(order.arrivalMid).toBeCloseTo(10.005, 10);
    expect(order.clientOrderId).toBe(3);
    // The second tick already routed to venue 1, the best ask from then on.
    expect(metrics.counters.byName('venue_1_routed')).toBe(2);
  });

  it('best-price sells at the highest bid and counts taker fees', () => {
    // Venue 0 bids a cent more but charges 20 bps: 10.01 - 0.02 < 10.00 - 0.
    const { send, order } = setup(new BestPriceRouter(), -1, Float64Array.of(20, 0, 0));
    send(quoteTick(0, 0, 10.01, 10.03));
    expect(send(quoteTick(0, 1, 10.0, 10.02))).toBe(true);
    expect(order.venueId).toBe(1);
    expect(order.limitPx).toBe(10.0);
  });

  it('round-robin cycles through the venues that quote', () => {
    const { send, order } = setup(new RoundRobinRouter());
    send(quoteTick(0, 0, 10, 10.02));
    const venues: number[] = [];
    send(quoteTick(0, 2, 10, 10.02));
    venues.push(order.venueId);
    for (let i = 0; i < 3; i++) {
      send(quoteTick(0, 0, 10, 10.02));
      venues.push(order.venueId);
    }
    // Venue 1 never quoted, so it is skipped.
    expect(venues).toEqual([2, 0, 2, 0]);
  });

  it('lowest-latency picks the venue with the lowest forecast mean latency', () => {
    const { send, order, forecasts } = setup(new LowestLatencyRouter());
    forecasts.publish(0, Float64Array.of(500e3, 0, 0, 500e3, 10, 1));
    forecasts.publish(1, Float64Array.of(200e3, 0, 0, 200e3, 10, 1));
    forecasts.publish(2, Float64Array.of(900e3, 0, 0, 900e3, 10, 1));
    send(quoteTick(0, 0, 10, 10.02));
    send(quoteTick(0, 2, 10, 10.01));
    expect(send(quoteTick(0, 1, 10, 10.03))).toBe(true);
    expect(order.venueId).toBe(1);
  });

  it('never routes to a venue whose breaker is open, and returns to it once it closes', () => {
    const { send, order, control } = setup(new BestPriceRouter());
    send(quoteTick(0, 1, 10, 10.03));
    send(quoteTick(0, 2, 10, 10.02));
    control.setVenueFlag(0, VenueFlag.latencySpike, true);
    expect(send(quoteTick(0, 0, 10, 10.01))).toBe(true);
    expect(order.venueId).toBe(2); // venue 0 quotes best but is out
    control.setVenueFlag(0, VenueFlag.latencySpike, false);
    send(quoteTick(0, 0, 10, 10.01));
    expect(order.venueId).toBe(0);
  });
});
