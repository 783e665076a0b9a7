/**
 * Everything the routing policy decides from, as one private snapshot per refresh: the venues'
 * tops, the latency forecasts, our own order flow (routed / filled / missed counts per venue),
 * the size each wanted row was last asked for and which venues are usable. The policy-table
 * builder decides from this snapshot alone, so a decision is a function of the snapshot's history
 * and the refresh instants. Live, `LivePolicyInputs` copies it from shared memory; a backtest
 * feeds it the frames a live run logged (`PolicyInputLayout`), so the same policy reaches the
 * same decisions at the same instants (docs/rl-routing.md, "Serving").
 *
 * Every change applied is also written to the log ring when one is attached: a `poll` frame
 * opens each refresh, the changes it read follow it.
 */
import { BookTops } from '../market/book-tops.js';
import { QuoteCol } from '../market/quote-table.js';
import { createForecastTable, FORECAST_COLS, ForecastTable } from '../ml/forecast-table.js';
import { RoutingFeatures } from '../ml/rl/routing-features.js';
import { compileCodec, defineLayout, type RecordOf } from '../shm/record-layout.js';
import type { SpscRing } from '../shm/spsc-ring.js';

/** One frame of the policy-input log: `kind` says what `index` and `a..e` hold. */
export const PolicyInputLayout = defineLayout('PolicyInput', [
  { name: 'tsNs', type: 'f64' },
  { name: 'a', type: 'f64' },
  { name: 'b', type: 'f64' },
  { name: 'c', type: 'f64' },
  { name: 'd', type: 'f64' },
  { name: 'e', type: 'f64' },
  { name: 'kind', type: 'i32' },
  { name: 'index', type: 'i32' },
]);
export type PolicyInputFrame = RecordOf<typeof PolicyInputLayout>;
export const PolicyInputCodec = compileCodec(PolicyInputLayout);

/**
 * poll: a refresh at `tsNs`; quote: key `index` (symbol x venues + venue) is `a..e` (bid, ask,
 * bid qty, ask qty, receive stamp); forecast: venue `index` is `a..e` (ForecastCol 0..4);
 * counts: venue `index` routed `a`, filled `b`, missed `c`; hint: row `index` asks for `a`
 * shares; usable: venue `index` usable when `a` is 1; use: an order of tick `a` (receive stamp)
 * read row `index` decided at `b` (0: the fallback routed it).
 */
export const PolicyInputKind = {
  poll: 1,
  quote: 2,
  forecast: 3,
  counts: 4,
  hint: 5,
  usable: 6,
  use: 7,
} as const;

/** Counts per venue in the snapshot: routed, filled, missed. */
export const COUNT_COLS = 3;

export class PolicyInputSnapshot {
  readonly book: BookTops;
  readonly features: RoutingFeatures;
  readonly forecasts: ForecastTable;
  /** Per venue: routed, filled, missed (rejected + cancelled + expired). */
  readonly counts: Float64Array;
  /** Per routing-table row: the size last asked for (0: no order asked yet). */
  readonly hints: Float64Array;
  readonly usable: Uint8Array;
  /** Frames the log ring had no room for (the replay is then not exact). */
  lost = 0;
  private readonly frame = PolicyInputCodec.create();
  private readonly forecastRow = new Float64Array(FORECAST_COLS);
  private readonly venueCount: number;

  constructor(
    symbolCount: number,
    venueCount: number,
    rows: number,
    feeBps: Float64Array,
    private readonly log: SpscRing | null = null,
  ) {
    this.venueCount = venueCount;
    this.book = new BookTops(symbolCount, venueCount);
    this.features = new RoutingFeatures(symbolCount, venueCount, feeBps);
    this.forecasts = new ForecastTable(createForecastTable(venueCount));
    this.counts = new Float64Array(venueCount * COUNT_COLS);
    this.hints = new Float64Array(rows);
    this.usable = new Uint8Array(venueCount).fill(1);
  }

  beginPoll(nowNs: number): void {
    this.write(PolicyInputKind.poll, 0, nowNs, 0, 0, 0, 0, 0);
  }

  /** `quote` as QuoteCol: bid, ask, bid qty, ask qty, receive stamp. */
  setQuote(symbolId: number, venueId: number, quote: Float64Array): void {
    const b = this.book;
    const i = b.index(symbolId, venueId);
    b.bidPx[i] = quote[QuoteCol.bidPx];
    b.askPx[i] = quote[QuoteCol.askPx];
    b.bidQty[i] = quote[QuoteCol.bidQty];
    b.askQty[i] = quote[QuoteCol.askQty];
    this.features.onQuote(symbolId, venueId, quote[QuoteCol.tsNs], b);
    this.write(PolicyInputKind.quote, i, 0, quote[0], quote[1], quote[2], quote[3], quote[4]);
  }

  /** `row` as the forecast table's columns (the first five are logged: the last is a stamp). */
  setForecast(venueId: number, row: Float64Array): void {
    this.forecasts.publish(venueId, row);
    this.write(PolicyInputKind.forecast, venueId, 0, row[0], row[1], row[2], row[3], row[4]);
  }

  /** Applies a logged forecast frame. */
  setForecastValues(venueId: number, a: number, b: number, c: number, d: number, e: number): void {
    const r = this.forecastRow;
    r[0] = a;
    r[1] = b;
    r[2] = c;
    r[3] = d;
    r[4] = e;
    this.setForecast(venueId, r);
  }

  setCounts(venueId: number, routed: number, filled: number, missed: number): void {
    const k = venueId * COUNT_COLS;
    this.counts[k] = routed;
    this.counts[k + 1] = filled;
    this.counts[k + 2] = missed;
    this.write(PolicyInputKind.counts, venueId, 0, routed, filled, missed, 0, 0);
  }

  setHint(row: number, qty: number): void {
    this.hints[row] = qty;
    this.write(PolicyInputKind.hint, row, 0, qty, 0, 0, 0, 0);
  }

  setUsable(venueId: number, usable: boolean): void {
    this.usable[venueId] = usable ? 1 : 0;
    this.write(PolicyInputKind.usable, venueId, 0, usable ? 1 : 0, 0, 0, 0, 0);
  }

  /** Logs that an order of the tick received at `tickRecvTsNs` read `row` decided at `decidedNs`. */
  noteUse(row: number, tickRecvTsNs: number, decidedNs: number): void {
    this.write(PolicyInputKind.use, row, 0, tickRecvTsNs, decidedNs, 0, 0, 0);
  }

  venueUsable(venueId: number): boolean {
    return venueId >= 0 && venueId < this.venueCount && this.usable[venueId] === 1;
  }

  private write(
    kind: number,
    index: number,
    tsNs: number,
    a: number,
    b: number,
    c: number,
    d: number,
    e: number,
  ): void {
    const log = this.log;
    if (log === null) return;
    const off = log.claim();
    if (off < 0) {
      this.lost++;
      return;
    }
    const f = this.frame;
    f.kind = kind;
    f.index = index;
    f.tsNs = tsNs;
    f.a = a;
    f.b = b;
    f.c = c;
    f.d = d;
    f.e = e;
    PolicyInputCodec.write(log.f64, log.i32, off, f);
  }

  /** Publishes the frames written since the last call. */
  flush(): void {
    this.log?.publish();
  }
}
