/**
 * Route: keeps the cross-venue book from the tick stream, asks the strategy for intents, and turns
 * each into an order: on the strategy's venue at its price (arbitrage, market making), or on the
 * router's venue at that venue's quote (takers).
 */
import type { Clock } from '../core/clock.js';
import { asSymbolId, asVenueId } from '../core/ids.js';
import { BookTops } from '../market/book-tops.js';
import { splitQty } from '../ml/rl/split-actions.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import type { Order, Tick } from '../shm/records.js';
import {
  createIntent,
  MAX_INTENTS_PER_TICK,
  type OrderIntent,
  type Strategy,
  type StrategyContext,
} from '../strategies/strategy.js';
import type { PendingOrder, PolicyRouter } from './policy-router.js';
import type { RouteContext, Router } from './router.js';

export class RouteStage {
  readonly book: BookTops;
  private readonly intents: OrderIntent[] = Array.from({ length: MAX_INTENTS_PER_TICK }, createIntent);
  private readonly ctx: RouteContext;
  private readonly lastIdSlot: number;
  private nextClientOrderId = 1;
  private readonly routedSlot: number;
  private readonly intendedSlot: number;
  private readonly venueRoutedSlots: Int32Array;
  /** Set when a trained policy routes: its orders are decided in batches (policy-router.ts). */
  private readonly policy: PolicyRouter | null;
  private readonly router: Router | null;
  private readonly childQty: Float64Array;
  /** Execution's per-venue answer counters (shared), read as the policy's recent fill outcomes. */
  private readonly filledSlots: Int32Array;
  private readonly missedSlots: Int32Array[];
  private readonly seenFilled: Float64Array;
  private readonly seenMissed: Float64Array;

  constructor(
    symbolCount: number,
    venueCount: number,
    private readonly strategy: Strategy,
    router: Router | PolicyRouter,
    forecasts: RouteContext['forecasts'],
    feeBps: Float64Array,
    venues: RouteContext['venues'],
    private readonly clock: Clock,
    private readonly metrics: PipelineMetrics,
    private readonly strategyCtx: StrategyContext = { position: () => 0 },
  ) {
    this.book = new BookTops(symbolCount, venueCount);
    this.ctx = { book: this.book, forecasts, feeBps, venues };
    this.routedSlot = metrics.slot('ticks_routed');
    this.intendedSlot = metrics.slot('orders_intended');
    this.lastIdSlot = metrics.slot('last_client_order_id');
    this.venueRoutedSlots = metrics.slots(venueCount, (v) => `venue_${v}_routed`);
    const policyRouted = 'submit' in router;
    this.policy = policyRouted ? router : null;
    this.router = policyRouted ? null : router;
    this.childQty = new Float64Array(venueCount);
    this.filledSlots = metrics.slots(venueCount, (v) => `venue_${v}_orders_filled`);
    this.missedSlots = ['rejected', 'cancelled', 'expired'].map((s) =>
      metrics.slots(venueCount, (v) => `venue_${v}_orders_${s}`),
    );
    this.seenFilled = new Float64Array(venueCount);
    this.seenMissed = new Float64Array(venueCount);
  }

  /** Feeds the venues' new fills and misses (since the last call) to the policy's fill-ratio average. */
  private readFillOutcomes(p: PolicyRouter): void {
    const c = this.metrics.counters;
    for (let v = 0; v < this.seenFilled.length; v++) {
      const filled = c.get(this.filledSlots[v]);
      let missed = 0;
      for (let k = 0; k < this.missedSlots.length; k++) missed += c.get(this.missedSlots[k][v]);
      // At most a few outcomes per call: the average only needs the recent ones.
      for (let n = Math.min(filled - this.seenFilled[v], 8); n > 0; n--) p.recordFill(v, 1);
      for (let n = Math.min(missed - this.seenMissed[v], 8); n > 0; n--) p.recordFill(v, 0);
      this.seenFilled[v] = filled;
      this.seenMissed[v] = missed;
    }
  }

  /** True when a trained policy routes: its orders leave through `completeDecisions`. */
  get policyRouted(): boolean {
    return this.policy !== null;
  }

  /** True when the policy's batch is full: complete the decisions before the next tick. */
  get decisionBatchFull(): boolean {
    return this.policy?.full === true;
  }

  /**
   * Decides the orders the policy queued since the last call (one synchronous inference) and
   * turns each into orders (one per venue of a split, at that venue's quote now), passing each
   * to `emit` in `order`. Returns the orders emitted.
   */
  completeDecisions(order: Order, emit: (order: Order) => void): number {
    const p = this.policy;
    if (p === null) return 0;
    this.readFillOutcomes(p);
    p.flush(this.ctx, this.clock.nowNs());
    let n = 0;
    for (let d = p.takeReady(); d !== null; d = p.takeReady()) {
      splitQty(d.weights, d.qty, this.childQty);
      for (let v = 0; v < this.childQty.length; v++) {
        if (this.childQty[v] <= 0) continue;
        const venueId = this.ctx.venues.venueUsable(v)
          ? v
          : p.fallbackVenue(d as unknown as OrderIntent, this.ctx);
        if (venueId < 0 || !this.ctx.venues.venueUsable(venueId)) continue;
        this.metrics.counters.add(this.intendedSlot, 1);
        this.fillOrder(order, d, this.childQty[v], venueId, d.tickRecvTsNs, d.tickIngestTsNs);
        p.recordOrder(venueId, order.routeTsNs);
        this.metrics.hist.policy_decision.observe(order.routeTsNs - d.submitTsNs);
        emit(order);
        n++;
      }
    }
    return n;
  }

  /** Keeps the policy's inference warm while no order needs it (PolicyRouter.keepWarm). */
  keepWarm(nowNs: number): void {
    this.policy?.keepWarm(nowNs);
  }

  /** When `keepWarm` next has work (+Infinity: never). */
  nextWarmNs(): number {
    return this.policy === null ? Number.POSITIVE_INFINITY : this.policy.nextWarmNs();
  }

  /** Client order ids are unique per run and across a recovery: continue above the journal's. */
  continueClientOrderIdsAfter(maxUsedId: number): void {
    this.nextClientOrderId = Math.max(this.nextClientOrderId, maxUsedId + 1);
  }

  /** Fills `orders[0..n)` for this tick and returns n (0 when the tick produces no order). */
  onTick(tick: Tick, orders: Order[]): number {
    this.book.update(tick);
    this.policy?.onQuote(tick, this.book);
    this.metrics.counters.add(this.routedSlot, 1);
    const wanted = this.strategy.onTick(tick, this.book, this.intents, this.strategyCtx);
    let n = 0;
    for (let k = 0; k < wanted; k++) if (this.toOrder(this.intents[k], tick, orders[n])) n++;
    return n;
  }

  private toOrder(intent: OrderIntent, tick: Tick, order: Order): boolean {
    let venueId = intent.venueId;
    if (venueId < 0 && this.policy !== null) {
      // Queued: the order leaves when the poll's batch is decided (completeDecisions).
      if (this.policy.submit(intent, tick, this.ctx, this.clock.nowNs())) return false;
      venueId = this.policy.fallbackVenue(intent, this.ctx);
    } else if (venueId < 0 && this.router !== null) venueId = this.router.route(intent, this.ctx);
    this.metrics.counters.add(this.intendedSlot, 1);
    if (venueId < 0 || !this.ctx.venues.venueUsable(venueId)) return false;
    this.fillOrder(order, intent, intent.qty, venueId, tick.recvTsNs, tick.ingestTsNs, intent.limitPx);
    return true;
  }

  private fillOrder(
    order: Order,
    src: OrderIntent | PendingOrder,
    qty: number,
    venueId: number,
    tickRecvTsNs: number,
    tickIngestTsNs: number,
    limitPx = 0,
  ): void {
    const i = this.book.index(src.symbolId, venueId);
    order.clientOrderId = this.nextClientOrderId++;
    // Shared, so a restarted route worker continues above every id its predecessor used.
    this.metrics.counters.set(this.lastIdSlot, order.clientOrderId);
    order.symbolId = asSymbolId(src.symbolId);
    order.venueId = asVenueId(venueId);
    order.side = src.side;
    order.qty = qty;
    order.limitPx = limitPx > 0 ? limitPx : src.side > 0 ? this.book.askPx[i] : this.book.bidPx[i];
    order.type = src.type;
    order.ttlNs = src.ttlNs;
    order.strategyId = this.strategy.id;
    order.arrivalMid = src.arrivalMid;
    order.tickRecvTsNs = tickRecvTsNs;
    order.tickIngestTsNs = tickIngestTsNs;
    order.riskTsNs = 0;
    order.routeTsNs = this.clock.nowNs();
    this.metrics.counters.add(this.venueRoutedSlots[venueId], 1);
    this.metrics.hist.stage_route.observe(order.routeTsNs - tickIngestTsNs);
  }
}
