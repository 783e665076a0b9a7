/**
 * The routing environment, gym-style: `reset(seed)` starts an episode and returns the first
 * observation; `step(weights)` sends the current order split across the venues and returns the
 * reward (execution quality, bps per share; src/ml/rl/ioc-fill.ts) and the next observation.
 *
 * An episode is a stretch of the simulated market (MarketTape) with our orders arriving as a
 * Poisson process, each a marketable IOC of random side and size. Between orders the environment
 * replays the quotes into a BookTops (as the route stage keeps one), returns probe and order
 * round trips to an EWMA forecaster that publishes to a ForecastTable (as the predict stage does),
 * and tracks our order rate and fill outcomes per venue. The fixed routers read exactly this
 * state through `routeContext`, so every policy is scored on the same footing.
 */
import { Random } from '../../core/random.js';
import { BookTops } from '../../market/book-tops.js';
import type { RouteContext } from '../../routing/router.js';
import { createIntent, type OrderIntent } from '../../strategies/strategy.js';
import { EwmaLatencyForecaster } from '../ewma-latency-forecaster.js';
import { createForecastTable, FORECAST_COLS, ForecastCol, ForecastTable } from '../forecast-table.js';
import type { RoutingEnvOptions } from './env-options.js';
import { createFillOutcome, simulateIoc } from './ioc-fill.js';
import { MarketTape } from './market-tape.js';
import { featureCount, RoutingFeatures, type RoutingSignals } from './routing-features.js';
import { splitQty } from './split-actions.js';
import { VenueLatency } from './venue-latency.js';

export interface StepInfo {
  /** Venue with the largest share of the order. */
  primaryVenue: number;
  /** The single venue that would have served the whole order best, in hindsight. */
  hindsightVenue: number;
  filledFraction: number;
  timedOut: boolean;
  qty: number;
}

export interface StepResult {
  obs: Float32Array;
  reward: number;
  done: boolean;
  info: StepInfo;
}

/** Weight of each new fill outcome in the per-venue fill-ratio average. */
const FILL_ALPHA = 0.1;

/** A latency answer (probe or order) on its way back, and for orders the filled fraction. */
interface Answer {
  atNs: number;
  venueId: number;
  latencyNs: number;
  /** NaN for probes. */
  fillFraction: number;
}

export class RoutingEnv implements RoutingSignals {
  readonly venueCount: number;
  readonly obsSize: number;
  readonly feeBps: Float64Array;
  private tape!: MarketTape;
  private latency!: VenueLatency;
  private forecaster!: EwmaLatencyForecaster;
  private forecasts!: ForecastTable;
  private book!: BookTops;
  private features!: RoutingFeatures;
  private rng!: Random;
  private readonly fill: Float64Array;
  private readonly orderTsNs: Float64Array;
  private cursor = 0;
  private nextProbeNs = 0;
  private answers: Answer[] = [];
  private orderIndex = 0;
  private readonly intent: OrderIntent = createIntent();
  private readonly childQty: Float64Array;
  private readonly outcome = createFillOutcome();
  private readonly row = new Float64Array(FORECAST_COLS);
  private readonly obs: Float32Array;
  private ctx!: RouteContext;

  constructor(readonly opts: RoutingEnvOptions) {
    this.venueCount = opts.venues.length;
    this.obsSize = featureCount(this.venueCount);
    this.feeBps = Float64Array.from(opts.venues, (v) => v.fee_bps);
    this.fill = new Float64Array(this.venueCount);
    this.orderTsNs = new Float64Array(opts.ordersPerEpisode);
    this.childQty = new Float64Array(this.venueCount);
    this.obs = new Float32Array(this.obsSize);
  }

  /** Starts the episode of `seed` (market, latency draws and order flow all follow from it). */
  reset(seed: number): Float32Array {
    const o = this.opts;
    this.rng = new Random((seed * 2654435761) >>> 0);
    let t = o.warmupNs;
    for (let i = 0; i < o.ordersPerEpisode; i++) {
      t += this.rng.exponential(1e9 / o.ordersPerSec);
      this.orderTsNs[i] = t;
    }
    const spanNs = t + o.costs.timeoutNs + 10e6;
    this.tape = new MarketTape({
      venues: o.venues,
      symbol: o.symbol,
      ratePerSec: o.quoteRatePerSec,
      seed,
      spanNs,
    });
    this.latency = new VenueLatency(o.venues, (seed ^ 0x2545f491) >>> 0);
    this.forecaster = new EwmaLatencyForecaster(this.venueCount);
    this.forecasts = new ForecastTable(createForecastTable(this.venueCount));
    this.book = new BookTops(1, this.venueCount);
    this.features = new RoutingFeatures(1, this.venueCount, this.feeBps);
    this.ctx = {
      book: this.book,
      forecasts: this.forecasts,
      feeBps: this.feeBps,
      venues: { venueUsable: () => true },
    };
    this.fill.fill(1);
    this.cursor = 0;
    this.nextProbeNs = 0;
    this.answers = [];
    this.orderIndex = 0;
    return this.observe();
  }

  /** The order waiting for a decision (what the fixed routers see). */
  get currentIntent(): OrderIntent {
    return this.intent;
  }

  /** Book, forecasts and fees as the route stage would see them now. */
  get routeContext(): RouteContext {
    return this.ctx;
  }

  /** The observation of the current order (the buffer `reset` and `step` return). */
  get lastObs(): Float32Array {
    return this.obs;
  }

  get nowNs(): number {
    return this.orderTsNs[this.orderIndex];
  }

  /** True when the venue quotes the current order's side. */
  quotes(venueId: number): boolean {
    const i = this.book.index(0, venueId);
    return (this.intent.side > 0 ? this.book.askPx[i] : this.book.bidPx[i]) > 0;
  }

  /** Sends the current order split by `weights` (one per venue, summing to 1). */
  step(weights: ArrayLike<number>): StepResult {
    const o = this.opts;
    const nowNs = this.nowNs;
    const { side, qty, arrivalMid } = this.intent;
    this.latency.draw(nowNs);
    const hindsightVenue = this.hindsightVenue(nowNs);
    const primary = splitQty(weights, qty, this.childQty);
    let bpsShares = 0;
    let filled = 0;
    let timedOut = false;
    for (let v = 0; v < this.venueCount; v++) {
      const q = this.childQty[v];
      if (q <= 0) continue;
      const rt = this.latency.roundTripNs(v, nowNs, 1);
      this.latency.recordOrder(v, nowNs);
      const out = simulateIoc(
        this.tape,
        v,
        side,
        q,
        this.limitPx(v),
        nowNs,
        rt,
        arrivalMid,
        this.feeBps[v],
        o.costs,
        this.outcome,
      );
      bpsShares += out.bpsShares;
      filled += out.filledQty;
      timedOut ||= out.timedOut;
      // The router learns of a timeout when it fires; the latency itself only when the ack comes.
      this.answers.push({
        atNs: out.answerNs,
        venueId: v,
        latencyNs: out.timedOut ? Number.NaN : rt,
        fillFraction: out.filledQty / q,
      });
    }
    this.orderIndex++;
    const done = this.orderIndex >= o.ordersPerEpisode;
    const info = { primaryVenue: primary, hindsightVenue, filledFraction: filled / qty, timedOut, qty };
    return { obs: done ? this.obs : this.observe(), reward: bpsShares / qty, done, info };
  }

  /** The venue whose drawn latency (with this order's load) would have served the whole order best. */
  private hindsightVenue(nowNs: number): number {
    const { side, qty, arrivalMid } = this.intent;
    let best = -1;
    let bestBps = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < this.venueCount; v++) {
      if (!this.quotes(v)) continue;
      const rt = this.latency.roundTripNs(v, nowNs, 1);
      const out = simulateIoc(
        this.tape,
        v,
        side,
        qty,
        this.limitPx(v),
        nowNs,
        rt,
        arrivalMid,
        this.feeBps[v],
        this.opts.costs,
        this.outcome,
      );
      if (out.bpsShares > bestBps) {
        bestBps = out.bpsShares;
        best = v;
      }
    }
    return best;
  }

  private limitPx(venueId: number): number {
    const i = this.book.index(0, venueId);
    return this.intent.side > 0 ? this.book.askPx[i] : this.book.bidPx[i];
  }

  /** Moves the world to the current order's time and builds its observation. */
  private observe(): Float32Array {
    const nowNs = this.nowNs;
    this.advanceTo(nowNs);
    const it = this.intent;
    it.symbolId = 0;
    it.side = this.rng.next() < 0.5 ? 1 : -1;
    const steps = Math.floor((this.opts.qtyMax - this.opts.qtyMin) / 10) + 1;
    it.qty = this.opts.qtyMin + 10 * this.rng.int(steps);
    it.arrivalMid = this.book.mid(0);
    it.venueId = -1;
    it.limitPx = 0;
    this.features.write(0, it.side, it.qty, it.arrivalMid, nowNs, this.book, this.forecasts, this, this.obs);
    return this.obs;
  }

  private advanceTo(tNs: number): void {
    const tape = this.tape;
    while (this.cursor < tape.seqLength) {
      const v = tape.seqVenue[this.cursor];
      const i = tape.seqIndex[this.cursor];
      const q = tape.venues[v];
      if (q.tsNs[i] > tNs) break;
      const k = this.book.index(0, v);
      this.book.bidPx[k] = q.bidPx[i];
      this.book.askPx[k] = q.askPx[i];
      this.book.bidQty[k] = q.bidQty[i];
      this.book.askQty[k] = q.askQty[i];
      this.features.onQuote(0, v, q.tsNs[i], this.book);
      this.cursor++;
    }
    for (; this.nextProbeNs <= tNs; this.nextProbeNs += this.opts.probeIntervalNs)
      for (let v = 0; v < this.venueCount; v++) {
        const rt = this.latency.probeNs(v, this.nextProbeNs);
        this.answers.push({
          atNs: this.nextProbeNs + rt,
          venueId: v,
          latencyNs: rt,
          fillFraction: Number.NaN,
        });
      }
    let kept = 0;
    for (const a of this.answers) {
      if (a.atNs > tNs) {
        this.answers[kept++] = a;
        continue;
      }
      if (a.latencyNs > 0) this.observeLatency(a.venueId, a.latencyNs);
      if (!Number.isNaN(a.fillFraction))
        this.fill[a.venueId] += FILL_ALPHA * (a.fillFraction - this.fill[a.venueId]);
    }
    this.answers.length = kept;
  }

  private observeLatency(venueId: number, latencyNs: number): void {
    this.forecaster.observe(venueId, latencyNs);
    if (!this.forecaster.forecast(venueId, this.row)) return;
    this.row[ForecastCol.samples] = this.forecaster.samples(venueId);
    this.forecasts.publish(venueId, this.row);
  }

  orderRateHz(venueId: number, nowNs: number): number {
    return this.latency.rateAt(venueId, nowNs);
  }

  fillRatio(venueId: number): number {
    return this.fill[venueId];
  }
}
