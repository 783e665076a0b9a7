import { describe, expect, it } from 'vitest';
import { asVenueId } from '../../src/core/ids.js';
import { EwmaLatencyForecaster } from '../../src/ml/ewma-latency-forecaster.js';
import { createForecastTable, ForecastCol, ForecastTable } from '../../src/ml/forecast-table.js';
import { PredictStage, SPIKE_RETRY_NS } from '../../src/ml/predict-stage.js';
import { BestPriceRouter } from '../../src/routing/best-price-router.js';
import { RouteStage } from '../../src/routing/route-stage.js';
import { ControlBlock, createControlBlock, VenueFlag } from '../../src/run-state/control-block.js';
import { LatencyKind, LatencySampleCodec, OrderCodec } from '../../src/shm/records.js';
import { MomentumStrategy } from '../../src/strategies/momentum-strategy.js';
import { quoteTick, stageFixture } from '../fixtures.js';

function setup() {
  const f = stageFixture(['AAPL'], ['A', 'B', 'C']);
  const forecasts = new ForecastTable(createForecastTable(3));
  const control = new ControlBlock(createControlBlock(1));
  const predict = new PredictStage(new EwmaLatencyForecaster(3), forecasts, f.clock, f.metrics, control, 4);
  const sample = LatencySampleCodec.create();
  const feed = (venueId: number, latencyUs: number, n: number) => {
    for (let i = 0; i < n; i++) {
      Object.assign(sample, {
        venueId,
        latencyNs: latencyUs * 1e3,
        kind: LatencyKind.orderAck,
        tsNs: f.clock.nowNs(),
      });
      predict.onLatencySample(sample);
    }
  };
  return { ...f, forecasts, control, predict, feed };
}

describe('PredictStage', () => {
  it('publishes log-normal quantile forecasts per venue, p50 < p90 < p99', () => {
    const { predict, forecasts, feed } = setup();
    for (const us of [200, 250, 300, 220, 280, 260, 240, 230, 270, 210]) feed(1, us, 1);
    expect(predict.refresh()).toBe(true);
    const p50 = forecasts.get(1, ForecastCol.p50Ns);
    expect(p50).toBeGreaterThan(200e3);
    expect(p50).toBeLessThan(300e3);
    expect(forecasts.get(1, ForecastCol.p90Ns)).toBeGreaterThan(p50);
    expect(forecasts.get(1, ForecastCol.p99Ns)).toBeGreaterThan(forecasts.get(1, ForecastCol.p90Ns));
    expect(forecasts.get(1, ForecastCol.samples)).toBe(10);
    expect(Number.isNaN(forecasts.get(0, ForecastCol.p50Ns))).toBe(true);
    expect(predict.refresh()).toBe(false); // nothing new
  });

  it('an injected venue latency spike makes the router stop sending there within one forecast refresh', () => {
    const { predict, feed, control, clock, metrics, forecasts } = setup();
    // A steady history: venue 0 at 200 us, the others slower.
    for (let r = 0; r < 20; r++) {
      feed(0, 200, 5);
      feed(1, 600, 5);
      feed(2, 400, 5);
      predict.refresh();
    }
    expect(control.venueUsable(0)).toBe(true);
    const strategy = new MomentumStrategy(1, { thresholdBps: 0, cooldownNs: 0, orderQty: 100 });
    const route = new RouteStage(
      1,
      3,
      strategy,
      new BestPriceRouter(),
      forecasts,
      Float64Array.of(0, 0, 0),
      control,
      clock,
      metrics,
    );
    const order = OrderCodec.create();
    route.onTick(quoteTick(0, 1, 10, 10.03), [order]);
    route.onTick(quoteTick(0, 2, 10, 10.02), [order]);
    // The spike: venue 0's acks take 5 ms.
    feed(0, 5000, 40);
    predict.refresh();
    expect(control.venueFlags(0) & VenueFlag.latencySpike).not.toBe(0);
    expect(metrics.counters.byName('venue_breaker_trips')).toBe(1);
    // Venue 0 now quotes the best ask, and is skipped on every order.
    const venues: number[] = [];
    for (let i = 0; i < 5; i++) {
      if (route.onTick(quoteTick(0, 0, 10 + i * 0.01, 10.01 + i * 0.01), [order]) === 1)
        venues.push(order.venueId);
    }
    expect(venues.length).toBeGreaterThan(0);
    expect(venues).not.toContain(0);
    // Recovery: latency back to normal closes the breaker.
    feed(0, 200, 200);
    predict.refresh();
    expect(control.venueUsable(0)).toBe(true);
  });

  it('scores each sample against the p50 the router reads: mean |forecast - measured| per venue', () => {
    const { predict, feed, metrics } = setup();
    const errorNs = (v: number) => metrics.counters.byName(`venue_${v}_forecast_error_ns`);
    const scored = (v: number) => metrics.counters.byName(`venue_${v}_forecast_errors`);
    feed(0, 300, 10);
    expect(scored(0)).toBe(0); // nothing published yet, nothing to score
    predict.refresh(); // venue 0 forecasts 300 us
    feed(0, 400, 1);
    expect(scored(0)).toBe(1);
    expect(errorNs(0)).toBeCloseTo(100e3, 3);
    feed(0, 200, 1); // still scored against the published 300 us, not the moved forecaster
    expect(errorNs(0)).toBeCloseTo(100e3, 3);
    // A steady venue converges to a small error; a venue never published stays unscored.
    for (let r = 0; r < 30; r++) {
      feed(0, 300, 5);
      predict.refresh();
    }
    expect(errorNs(0)).toBeLessThan(5e3);
    expect(scored(1)).toBe(0);
    expect(errorNs(1)).toBe(0);
    // Our own decision time (recorded for backtests) is not a venue latency: never scored.
    const before = scored(0);
    predict.onLatencySample({
      ...LatencySampleCodec.create(),
      venueId: asVenueId(0),
      latencyNs: 9e6,
      kind: LatencyKind.decision,
    });
    expect(scored(0)).toBe(before);
  });
});

describe('PredictStage latency breaker without samples (half-open retry)', () => {
  it('half-opens an open breaker after SPIKE_RETRY_NS, re-opens on still-slow samples, closes on fast ones', () => {
    const { predict, feed, control, clock, metrics } = setup();
    for (let r = 0; r < 20; r++) {
      feed(0, 200, 5);
      predict.refresh();
    }
    feed(0, 5000, 40);
    predict.refresh();
    const spiking = () => (control.venueFlags(0) & VenueFlag.latencySpike) !== 0;
    expect(spiking()).toBe(true);
    expect(predict.nextRetryNs()).toBe(clock.nowNs() + SPIKE_RETRY_NS);
    // No orders go there, so no samples come: only time can give it another chance.
    clock.advance(SPIKE_RETRY_NS - 1);
    predict.retryOpenBreakers(clock.nowNs());
    expect(spiking()).toBe(true);
    clock.advance(1);
    predict.retryOpenBreakers(clock.nowNs());
    expect(spiking()).toBe(false);
    expect(predict.nextRetryNs()).toBe(Number.POSITIVE_INFINITY);
    // Half-open: a refresh with too few new samples decides nothing; five still-slow ones re-open it.
    feed(0, 5000, 4);
    predict.refresh();
    expect(spiking()).toBe(false);
    feed(0, 5000, 1);
    predict.refresh();
    expect(spiking()).toBe(true);
    expect(metrics.counters.byName('venue_breaker_trips')).toBe(2);
    // Next retry: the venue is fast again, and the breaker closes for good.
    clock.advance(SPIKE_RETRY_NS);
    predict.retryOpenBreakers(clock.nowNs());
    feed(0, 200, 200);
    predict.refresh();
    expect(spiking()).toBe(false);
    clock.advance(10 * SPIKE_RETRY_NS);
    predict.retryOpenBreakers(clock.nowNs());
    feed(0, 200, 10);
    predict.refresh();
    expect(spiking()).toBe(false);
    expect(metrics.counters.byName('venue_breaker_trips')).toBe(2);
  });
});
