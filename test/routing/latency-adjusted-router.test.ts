import { describe, expect, it } from 'vitest';
import { BookTops } from '../../src/market/book-tops.js';
import {
  createForecastTable,
  FORECAST_COLS,
  ForecastCol,
  ForecastTable,
} from '../../src/ml/forecast-table.js';
import { LatencyAdjustedRouter } from '../../src/routing/latency-adjusted-router.js';
import type { RouteContext } from '../../src/routing/router.js';
import { createIntent } from '../../src/strategies/strategy.js';

/** Venue 0 one cent cheaper, venue 1 at the next cent; both show 500 shares. */
function context(p50Ns: readonly number[], p99Ns: readonly number[] = p50Ns): RouteContext {
  const book = new BookTops(1, 2);
  book.bidPx.set([189.99, 189.99]);
  book.askPx.set([190.0, 190.01]);
  book.bidQty.set([500, 500]);
  book.askQty.set([500, 500]);
  const forecasts = new ForecastTable(createForecastTable(2));
  const row = new Float64Array(FORECAST_COLS);
  p50Ns.forEach((p50, v) => {
    if (Number.isNaN(p50)) return;
    row[ForecastCol.p50Ns] = p50;
    row[ForecastCol.p90Ns] = p50;
    row[ForecastCol.p99Ns] = p99Ns[v];
    forecasts.publish(v, row);
  });
  return { book, forecasts, feeBps: Float64Array.of(0.3, 0.3), venues: { venueUsable: () => true } };
}

const buy = Object.assign(createIntent(), { symbolId: 0, side: 1, qty: 300 });
const router = new LatencyAdjustedRouter({ touchLifeNs: 400e3, missBps: 8, timeoutBps: 5, timeoutNs: 1e9 });

describe('LatencyAdjustedRouter', () => {
  it('takes the cheaper touch when both venues are about as fast', () => {
    expect(router.route(buy, context([300e3, 250e3]))).toBe(0);
  });

  it('pays a cent more at a fast venue when the cheap one is slow enough that its touch is likely gone', () => {
    // Entry 1.5 ms at venue 0: exp(-1.5/0.4) = 2% survival, vs 73% at venue 1.
    expect(router.route(buy, context([3e6, 250e3]))).toBe(1);
  });

  it('is best price without forecasts', () => {
    expect(router.route(buy, context([Number.NaN, Number.NaN]))).toBe(0);
  });

  it('avoids a venue whose forecast reaches the ack timeout', () => {
    expect(router.route(buy, context([300e3, 250e3], [2e9, 400e3]))).toBe(1);
  });

  it('never picks a venue that is not usable or does not quote the side', () => {
    const ctx = { ...context([300e3, 250e3]), venues: { venueUsable: (v: number) => v !== 0 } };
    expect(router.route(buy, ctx)).toBe(1);
    const empty = context([300e3, 250e3]);
    empty.book.askPx.set([0, 0]);
    expect(router.route(buy, empty)).toBe(-1);
  });
});
