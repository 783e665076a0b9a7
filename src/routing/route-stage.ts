/**
 * Route: keeps the cross-venue book from the tick stream, asks the strategy for intents, and turns
 * each into orders: on the strategy's venue at its price (arbitrage, market making), or on the
 * router's venue at that venue's quote (takers). A trained policy's split (TablePolicyRouter) was
 * decided ahead of the order, so one intent can become an order per venue of the split.
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
import type { RouteContext, Router } from './router.js';
import { isTablePolicyRouter, type TablePolicyRouter } from './table-policy-router.js';

export class RouteStage {
  readonly book: BookTops;
  /** Most orders one tick can produce: every intent split across every venue. */
  readonly maxOrdersPerTick: number;
  private readonly intents: OrderIntent[] = Array.from({ length: MAX_INTENTS_PER_TICK }, createIntent);
  private readonly ctx: RouteContext;
  private readonly lastIdSlot: number;
  private nextClientOrderId = 1;
  private readonly routedSlot: number;
  private readonly intendedSlot: number;
  private readonly venueRoutedSlots: Int32Array;
  private readonly policyDecidedSlot: number;
  private readonly policyFallbackSlot: number;
  /** Set when a trained policy routes from its routing table. */
  private readonly policy: TablePolicyRouter | null;
  private readonly weights: Float64Array;
  private readonly childQty: Float64Array;

  constructor(
    symbolCount: number,
    venueCount: number,
    private readonly strategy: Strategy,
    private readonly router: Router,
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
    this.policyDecidedSlot = metrics.slot('policy_table_decisions');
    this.policyFallbackSlot = metrics.slot('policy_table_fallbacks');
    this.policy = isTablePolicyRouter(router) ? router : null;
    this.maxOrdersPerTick = MAX_INTENTS_PER_TICK * (this.policy === null ? 1 : venueCount);
    this.weights = new Float64Array(venueCount);
    this.childQty = new Float64Array(venueCount);
  }

  /** Client order ids are unique per run and across a recovery: continue above the journal's. */
  continueClientOrderIdsAfter(maxUsedId: number): void {
    this.nextClientOrderId = Math.max(this.nextClientOrderId, maxUsedId + 1);
  }

  /**
   * Fills `orders[0..n)` for this tick and returns n (0 when the tick produces no order); `orders`
   * holds at least `maxOrdersPerTick`.
   */
  onTick(tick: Tick, orders: Order[]): number {
    this.book.update(tick);
    this.metrics.counters.add(this.routedSlot, 1);
    const wanted = this.strategy.onTick(tick, this.book, this.intents, this.strategyCtx);
    let n = 0;
    for (let k = 0; k < wanted; k++) {
      const intent = this.intents[k];
      if (intent.venueId < 0 && this.policy !== null) n = this.toPolicyOrders(intent, tick, orders, n);
      else if (this.toOrder(intent, tick, orders[n])) n++;
    }
    return n;
  }

  private toOrder(intent: OrderIntent, tick: Tick, order: Order): boolean {
    const venueId = intent.venueId >= 0 ? intent.venueId : this.router.route(intent, this.ctx);
    this.metrics.counters.add(this.intendedSlot, 1);
    if (venueId < 0 || !this.ctx.venues.venueUsable(venueId)) return false;
    this.fillOrder(order, intent, intent.qty, venueId, tick, intent.limitPx);
    return true;
  }

  /**
   * The policy's split from its routing table, an order per venue of it at that venue's quote
   * now; a child whose venue is out goes where the fallback router sends it. Without a decision
   * the fallback routes the whole order. Returns the new order count.
   */
  private toPolicyOrders(intent: OrderIntent, tick: Tick, orders: Order[], n: number): number {
    const p = this.policy as TablePolicyRouter;
    const startNs = this.clock.nowNs();
    if (!p.split(intent, tick.recvTsNs, startNs, this.weights)) {
      this.metrics.counters.add(this.policyFallbackSlot, 1);
      return this.toOrder(intent, tick, orders[n]) ? n + 1 : n;
    }
    this.metrics.counters.add(this.policyDecidedSlot, 1);
    this.metrics.hist.policy_table_age.observe(p.lastAgeNs[0]);
    splitQty(this.weights, intent.qty, this.childQty);
    for (let v = 0; v < this.childQty.length; v++) {
      if (this.childQty[v] <= 0) continue;
      const venueId = this.ctx.venues.venueUsable(v) ? v : p.route(intent, this.ctx);
      this.metrics.counters.add(this.intendedSlot, 1);
      if (venueId < 0 || !this.ctx.venues.venueUsable(venueId)) continue;
      const order = orders[n++];
      this.fillOrder(order, intent, this.childQty[v], venueId, tick);
      this.metrics.hist.policy_decision.observe(order.routeTsNs - startNs);
    }
    return n;
  }

  private fillOrder(
    order: Order,
    src: OrderIntent,
    qty: number,
    venueId: number,
    tick: Tick,
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
    order.tickRecvTsNs = tick.recvTsNs;
    order.tickIngestTsNs = tick.ingestTsNs;
    order.riskTsNs = 0;
    order.routeTsNs = this.clock.nowNs();
    this.metrics.counters.add(this.venueRoutedSlots[venueId], 1);
    this.metrics.hist.stage_route.observe(order.routeTsNs - tick.ingestTsNs);
  }
}
