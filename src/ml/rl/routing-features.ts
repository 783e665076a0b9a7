/**
 * The routing policy's observation, built the same way in the training environment and in the
 * live route stage (no train/serve skew): per venue the quote as a cost to take in the order's
 * direction, fee, depth against the order, quote age, latency forecasts (the forecast table the
 * predict stage publishes), our own order rate there (load) and recent fill outcomes; then the
 * order's side and size and the recent drift of the cross-venue mid. Values are scaled to about
 * unit size; nothing is allocated per call.
 */
import type { BookTops } from '../../market/book-tops.js';
import { ForecastCol, type ForecastTable } from '../forecast-table.js';

export const VENUE_FEATURES = [
  'cost_bps',
  'fee_bps',
  'depth_ratio',
  'quote_age_ms',
  'log_p50_us',
  'log_p90_us',
  'log_p99_us',
  'order_rate_100hz',
  'fill_ratio',
] as const;
export const ORDER_FEATURES = ['side', 'qty_500', 'mid_drift_bps'] as const;

export function featureNames(venues: readonly string[]): string[] {
  const names: string[] = [];
  for (const v of venues) for (const f of VENUE_FEATURES) names.push(`${v}.${f}`);
  for (const f of ORDER_FEATURES) names.push(f);
  return names;
}

export function featureCount(venueCount: number): number {
  return venueCount * VENUE_FEATURES.length + ORDER_FEATURES.length;
}

/** What the features read besides the book and the forecasts. */
export interface RoutingSignals {
  /** Our recent order rate to the venue, orders/s. */
  orderRateHz(venueId: number, nowNs: number): number;
  /** Recent filled fraction of our orders on the venue, 0..1. */
  fillRatio(venueId: number): number;
}

/** Cost of an unquoted venue, bps: far worse than any quote so a policy learns to avoid it. */
const UNQUOTED_COST_BPS = 20;
/** Mid drift time constant, ns. */
const DRIFT_TAU_NS = 5e6;
/** Latency forecast before the first sample: a middling 500 us. */
const UNKNOWN_LOG_US = Math.log(500);

export class RoutingFeatures {
  readonly size: number;
  private readonly quoteTsNs: Float64Array;
  private readonly midEwma: Float64Array;
  private readonly midTsNs: Float64Array;

  constructor(
    readonly symbolCount: number,
    readonly venueCount: number,
    private readonly feeBps: Float64Array,
  ) {
    this.size = featureCount(venueCount);
    this.quoteTsNs = new Float64Array(symbolCount * venueCount).fill(Number.NaN);
    this.midEwma = new Float64Array(symbolCount).fill(Number.NaN);
    this.midTsNs = new Float64Array(symbolCount);
  }

  /** Call after every quote has been applied to `book`. */
  onQuote(symbolId: number, venueId: number, tsNs: number, book: BookTops): void {
    this.quoteTsNs[symbolId * this.venueCount + venueId] = tsNs;
    const mid = book.mid(symbolId);
    if (!(mid > 0)) return;
    const prev = this.midEwma[symbolId];
    if (Number.isNaN(prev)) this.midEwma[symbolId] = mid;
    else {
      const a = 1 - Math.exp(-Math.max(0, tsNs - this.midTsNs[symbolId]) / DRIFT_TAU_NS);
      this.midEwma[symbolId] = prev + a * (mid - prev);
    }
    this.midTsNs[symbolId] = tsNs;
  }

  /** Writes the observation of an order into `out[offset..offset+size)`. */
  write(
    symbolId: number,
    side: number,
    qty: number,
    mid0: number,
    nowNs: number,
    book: BookTops,
    forecasts: ForecastTable,
    signals: RoutingSignals,
    out: Float32Array,
    offset = 0,
  ): void {
    let k = offset;
    for (let v = 0; v < this.venueCount; v++) {
      const i = book.index(symbolId, v);
      const px = side > 0 ? book.askPx[i] : book.bidPx[i];
      const touchQty = side > 0 ? book.askQty[i] : book.bidQty[i];
      const quoted = px > 0 && mid0 > 0;
      out[k++] = quoted
        ? clip((side * (px - mid0) * 1e4) / mid0, -UNQUOTED_COST_BPS, UNQUOTED_COST_BPS)
        : UNQUOTED_COST_BPS;
      out[k++] = this.feeBps[v];
      out[k++] = quoted ? Math.min(touchQty / Math.max(qty, 1), 3) : 0;
      const ts = this.quoteTsNs[symbolId * this.venueCount + v];
      out[k++] = Number.isNaN(ts) ? 2 : Math.min((nowNs - ts) / 1e6, 20) / 10;
      out[k++] = logUs(forecasts.get(v, ForecastCol.p50Ns));
      out[k++] = logUs(forecasts.get(v, ForecastCol.p90Ns));
      out[k++] = logUs(forecasts.get(v, ForecastCol.p99Ns));
      out[k++] = Math.min(signals.orderRateHz(v, nowNs) / 100, 10);
      out[k++] = signals.fillRatio(v);
    }
    out[k++] = side;
    out[k++] = qty / 500;
    const ewma = this.midEwma[symbolId];
    out[k++] = mid0 > 0 && ewma > 0 ? clip((side * (mid0 - ewma) * 1e4) / mid0, -20, 20) / 5 : 0;
  }
}

/** ln(latency in us) - 6, so 400 us is ~0 and a 3 ms spike ~2. */
function logUs(ns: number): number {
  return (ns > 0 ? Math.log(ns / 1e3) : UNKNOWN_LOG_US) - 6;
}

function clip(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}
