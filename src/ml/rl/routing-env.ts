/**
 * The routing environment, gym-style: `reset(seed)` starts an episode and returns the first
 * observation; `step(weights)` sends the current order split across the venues and returns the
 * reward (execution quality, bps per share of the arrival mid) and the next observation.
 *
 * An episode is a stretch of the venue world (src/venues/models/): the tape of every venue's true
 * book, the efficient price and each venue's hidden order-path state. Our orders follow price
 * moves or arrive at random (order-flow.ts), and the price drifts their way after they leave
 * (their alpha, recorded on the tape with the rest of the world). The router sees the books a
 * feed delay late (seen-feed.ts), probe and order round trips feed the latency forecasts, and
 * each child order reaches its venue after the entry leg, matches against the true touch then
 * (tape-match.ts, on the rules every simulated venue shares: ioc-match.ts, touch-consumption.ts,
 * fee-model.ts) and is answered after the response leg; missed shares pay the market's price when the answer is back.
 * Every order draws a round trip for every venue (common random numbers: every policy meets the
 * same luck, and the hindsight-best venue is known).
 */
import { Random } from '../../core/random.js';
import type { RouteContext } from '../../routing/router.js';
import { createIntent, type OrderIntent } from '../../strategies/strategy.js';
import { type FeeModel, Liquidity, takerFeeModel } from '../../venues/models/fee-model.js';
import { createIocFill, executionBpsShares } from '../../venues/models/ioc-match.js';
import { entryLegNs } from '../../venues/models/leg-latency.js';
import { LoadMeter } from '../../venues/models/load-meter.js';
import { OrderLatency } from '../../venues/models/order-latency.js';
import { matchOnTape } from '../../venues/models/tape-match.js';
import { TouchConsumption } from '../../venues/models/touch-consumption.js';
import { createWorldState, retakeCostTicks, type WorldState } from '../../venues/models/world-state.js';
import { WorldTape } from '../../venues/models/world-tape.js';
import { EnvForecasts } from './env-forecasts.js';
import type { RoutingEnvOptions } from './env-options.js';
import { type OrderFlow, OrderFlowSource } from './order-flow.js';
import { featureCount, RoutingFeatures, type RoutingSignals } from './routing-features.js';
import { SeenFeed } from './seen-feed.js';
import { splitQty, venueWeights } from './split-actions.js';

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

/** What one child order got. */
interface ChildOutcome {
  bpsShares: number;
  filledQty: number;
  timedOut: boolean;
  answerNs: number;
}

export class RoutingEnv implements RoutingSignals {
  readonly venueCount: number;
  readonly obsSize: number;
  readonly feeBps: Float64Array;
  readonly fees: FeeModel;
  readonly latency: OrderLatency;
  readonly load: LoadMeter;
  tape!: WorldTape;
  private flow!: OrderFlow;
  private feed!: SeenFeed;
  private forecasts!: EnvForecasts;
  private features!: RoutingFeatures;
  private drawRng!: Random;
  private readonly fill: Float64Array;
  private readonly drawnNs: Float64Array;
  private readonly child: Float64Array;
  /** Per venue and side: the book state our orders last took from, and how much. */
  private readonly consumption: TouchConsumption;
  private readonly fillOut = createIocFill();
  private readonly outcome: ChildOutcome = { bpsShares: 0, filledQty: 0, timedOut: false, answerNs: 0 };
  private readonly scratch: WorldState;
  /**
   * Per venue, what the current order would have scored (bps/share) sent whole there, on the
   * round trip it draws there and the same tape; NaN where the venue shows no quote on its side.
   */
  private readonly venueBps: Float64Array;
  /** The actions counterfactuals are scored for: the policy's (default: each venue whole). */
  private menu: Float64Array[];
  /**
   * Per action of the menu, what the current order scored or would have scored with it, bps per
   * share, on the same tape and round trips (NaN: it sends to a venue without a quote). Training's
   * counterfactuals: valid after `step` until the next one.
   */
  actionBps: Float64Array;
  private readonly menuChild: Float64Array;
  private orderIndex = 0;
  private readonly intent: OrderIntent = createIntent();
  private readonly obs: Float32Array;
  private ctx!: RouteContext;

  constructor(readonly opts: RoutingEnvOptions) {
    const venues = opts.world.venues;
    this.venueCount = venues.length;
    this.obsSize = featureCount(this.venueCount);
    // Our orders are IOCs: they always take, so only the venues' taker fees apply.
    this.fees = takerFeeModel(Float64Array.from(venues, (v) => v.feeBps));
    this.feeBps = this.fees.takerBps;
    this.latency = new OrderLatency(venues);
    this.load = new LoadMeter(venues);
    this.fill = new Float64Array(this.venueCount);
    this.drawnNs = new Float64Array(this.venueCount);
    this.child = new Float64Array(this.venueCount);
    this.consumption = new TouchConsumption(this.venueCount);
    this.venueBps = new Float64Array(this.venueCount);
    this.menu = Array.from({ length: this.venueCount }, (_, v) =>
      venueWeights(v, new Float64Array(this.venueCount)),
    );
    this.actionBps = new Float64Array(this.venueCount);
    this.menuChild = new Float64Array(this.venueCount);
    this.scratch = createWorldState(this.venueCount);
    this.obs = new Float32Array(this.obsSize);
  }

  /** Starts the episode of `seed` (world, order flow and latency draws all follow from it). */
  reset(seed: number): Float32Array {
    const o = this.opts;
    const startNs = o.warmupNs;
    const endNs = startNs + o.episodeNs;
    const source = new OrderFlowSource({ ...o.flow, startNs, endNs, maxOrders: o.ordersPerEpisode }, seed);
    this.tape = new WorldTape(o.world, (seed * 2654435761) >>> 0, endNs + o.timeoutNs + 10e6, source);
    this.flow = source.flow();
    this.features = new RoutingFeatures(1, this.venueCount, this.feeBps);
    this.feed = new SeenFeed(this.tape, this.features);
    this.load.reset();
    this.forecasts = new EnvForecasts(o, this.tape, this.latency, this.load, (seed ^ 0x1b873593) >>> 0);
    this.drawRng = new Random((seed ^ 0x5bd1e995) >>> 0);
    this.ctx = {
      book: this.feed.book,
      forecasts: this.forecasts.table,
      feeBps: this.feeBps,
      venues: this.forecasts,
    };
    this.fill.fill(1);
    this.consumption.reset();
    this.orderIndex = 0;
    return this.observe();
  }

  /** Orders in the current episode. */
  get orderCount(): number {
    return this.flow.length;
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
    return this.flow.tsNs[this.orderIndex];
  }

  get done(): boolean {
    return this.orderIndex >= this.flow.length;
  }

  /** True when the current order follows a price move. */
  get reactive(): boolean {
    return this.flow.reactive[this.orderIndex] === 1;
  }

  /** True when the venue quotes the current order's side (as we see it). */
  quotes(venueId: number): boolean {
    return this.limitPx(venueId) > 0;
  }

  /** The seen touch of the venue on the current order's side, currency units (the order's limit). */
  limitPx(venueId: number): number {
    const b = this.feed.book;
    return this.intent.side > 0 ? b.askPx[venueId] : b.bidPx[venueId];
  }

  /** Scores every action of `menu` (weights per venue) for each order from now on: `actionBps`. */
  scoreActions(menu: Float64Array[]): void {
    this.menu = menu;
    this.actionBps = new Float64Array(menu.length);
  }

  /** Sends the current order split by `weights` (one per venue, summing to 1). */
  step(weights: ArrayLike<number>): StepResult {
    const nowNs = this.nowNs;
    const qty = this.intent.qty;
    const hindsightVenue = this.hindsightVenue();
    this.scoreMenu(nowNs);
    const primary = splitQty(weights, qty, this.child);
    let bpsShares = 0;
    let filled = 0;
    let timedOut = false;
    for (let v = 0; v < this.venueCount; v++) {
      const q = this.child[v];
      if (q <= 0) continue;
      const rt = this.drawnNs[v] * this.load.factor(v, nowNs, 1);
      this.load.record(v, nowNs);
      const out = this.sendChild(v, q, rt, nowNs, true);
      bpsShares += out.bpsShares;
      filled += out.filledQty;
      timedOut ||= out.timedOut;
      this.forecasts.onAnswer(v, out.answerNs, out.timedOut ? Number.NaN : rt, out.filledQty / q, q);
    }
    this.orderIndex++;
    const done = this.done;
    const info = { primaryVenue: primary, hindsightVenue, filledFraction: filled / qty, timedOut, qty };
    return { obs: done ? this.obs : this.observe(), reward: bpsShares / qty, done, info };
  }

  /**
   * The outcome of `qty` of the current order sent to `v` at `nowNs` with round trip `rtNs`;
   * `commit` records what it took from the touch (false for counterfactuals).
   */
  private sendChild(v: number, qty: number, rtNs: number, nowNs: number, commit: boolean): ChildOutcome {
    const tape = this.tape;
    const side = this.intent.side;
    const out = this.outcome;
    const arriveNs = nowNs + entryLegNs(rtNs);
    out.timedOut = rtNs > this.opts.timeoutNs || tape.downAt(v, nowNs) || tape.downAt(v, arriveNs);
    this.fillOut.filledQty = 0;
    if (out.timedOut) out.answerNs = nowNs + this.opts.timeoutNs;
    else {
      out.answerNs = nowNs + rtNs;
      const limitTicks = Math.round(this.limitPx(v) / tape.p.tickPx);
      matchOnTape(tape, this.consumption, v, side, qty, limitTicks, arriveNs, commit, this.fillOut);
    }
    const retake = retakeCostTicks(tape.p, tape.stateAt(out.answerNs, this.scratch), side);
    out.filledQty = this.fillOut.filledQty;
    const feeBps = this.fees.bps(v, Liquidity.taker);
    out.bpsShares = executionBpsShares(side, qty, this.fillOut, feeBps, retake, this.mid0Ticks());
    return out;
  }

  private mid0Ticks(): number {
    return this.intent.arrivalMid / this.tape.p.tickPx;
  }

  /**
   * The venue whose drawn latency (with this order's load) would have served the whole order
   * best: what only hindsight knows (the round trips this order will meet). Fills `venueBps`.
   */
  hindsightVenue(): number {
    const nowNs = this.nowNs;
    const qty = this.intent.qty;
    let best = -1;
    let bestBps = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < this.venueCount; v++) {
      this.venueBps[v] = Number.NaN;
      if (!this.quotes(v)) continue;
      const rt = this.drawnNs[v] * this.load.factor(v, nowNs, 1);
      const bps = this.sendChild(v, qty, rt, nowNs, false).bpsShares;
      this.venueBps[v] = bps / qty;
      if (bps > bestBps) {
        bestBps = bps;
        best = v;
      }
    }
    return best;
  }

  /** `actionBps` of the current order: children matched as `step` would, but taking nothing. */
  private scoreMenu(nowNs: number): void {
    const qty = this.intent.qty;
    for (let a = 0; a < this.menu.length; a++) {
      splitQty(this.menu[a], qty, this.menuChild);
      let bpsShares = 0;
      for (let v = 0; v < this.venueCount; v++) {
        const q = this.menuChild[v];
        if (q <= 0) continue;
        if (q === qty) bpsShares += this.venueBps[v] * qty;
        else if (!this.quotes(v)) bpsShares = Number.NaN;
        else
          bpsShares += this.sendChild(
            v,
            q,
            this.drawnNs[v] * this.load.factor(v, nowNs, 1),
            nowNs,
            false,
          ).bpsShares;
      }
      this.actionBps[a] = bpsShares / qty;
    }
  }

  /** Moves the world to the current order's time and builds its observation. */
  private observe(): Float32Array {
    const nowNs = this.nowNs;
    this.feed.advanceTo(nowNs);
    this.forecasts.advanceTo(nowNs, this.fill, FILL_ALPHA);
    const it = this.intent;
    it.symbolId = 0;
    it.side = this.flow.side[this.orderIndex];
    it.qty = this.flow.qty[this.orderIndex];
    it.arrivalMid = this.feed.book.mid(0);
    it.venueId = -1;
    it.limitPx = 0;
    for (let v = 0; v < this.venueCount; v++)
      this.drawnNs[v] = this.latency.sampleRoundTripNs(
        v,
        this.tape.congestedAt(v, nowNs),
        this.tape.burstAt(v, nowNs),
        this.drawRng,
      );
    const table = this.forecasts.table;
    this.features.write(0, it.side, it.qty, it.arrivalMid, nowNs, this.feed.book, table, this, this.obs);
    return this.obs;
  }

  orderRateHz(venueId: number, nowNs: number): number {
    return this.load.rateAt(venueId, nowNs);
  }

  fillRatio(venueId: number): number {
    return this.fill[venueId];
  }
}
