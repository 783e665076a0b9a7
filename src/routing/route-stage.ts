/**
 * Route: keeps the cross-venue book from the tick stream, asks the strategy for intents, and turns
 * each into an order: on the strategy's venue at its price (arbitrage, market making), or on the
 * router's venue at that venue's quote (takers).
 */
import type { Clock } from '../core/clock.js';
import { BookTops } from '../market/book-tops.js';
import type { PipelineMetrics } from '../pipeline/pipeline-metrics.js';
import type { Order, Tick } from '../shm/records.js';
import {
  createIntent,
  MAX_INTENTS_PER_TICK,
  type OrderIntent,
  type Strategy,
  type StrategyContext,
} from '../strategies/strategy.js';
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
  }

  /** Client order ids are unique per run and across a recovery: continue above the journal's. */
  continueClientOrderIdsAfter(maxUsedId: number): void {
    this.nextClientOrderId = Math.max(this.nextClientOrderId, maxUsedId + 1);
  }

  /** Fills `orders[0..n)` for this tick and returns n (0 when the tick produces no order). */
  onTick(tick: Tick, orders: Order[]): number {
    this.book.update(tick);
    this.metrics.counters.add(this.routedSlot, 1);
    const wanted = this.strategy.onTick(tick, this.book, this.intents, this.strategyCtx);
    let n = 0;
    for (let k = 0; k < wanted; k++) if (this.toOrder(this.intents[k], tick, orders[n])) n++;
    return n;
  }

  private toOrder(intent: OrderIntent, tick: Tick, order: Order): boolean {
    this.metrics.counters.add(this.intendedSlot, 1);
    const venueId = intent.venueId >= 0 ? intent.venueId : this.router.route(intent, this.ctx);
    if (venueId < 0 || !this.ctx.venues.venueUsable(venueId)) return false;
    const i = this.book.index(intent.symbolId, venueId);
    order.clientOrderId = this.nextClientOrderId++;
    // Shared, so a restarted route worker continues above every id its predecessor used.
    this.metrics.counters.set(this.lastIdSlot, order.clientOrderId);
    order.symbolId = intent.symbolId;
    order.venueId = venueId;
    order.side = intent.side;
    order.qty = intent.qty;
    order.limitPx =
      intent.limitPx > 0 ? intent.limitPx : intent.side > 0 ? this.book.askPx[i] : this.book.bidPx[i];
    order.type = intent.type;
    order.ttlNs = intent.ttlNs;
    order.strategyId = this.strategy.id;
    order.arrivalMid = intent.arrivalMid;
    order.tickRecvTsNs = tick.recvTsNs;
    order.tickIngestTsNs = tick.ingestTsNs;
    order.riskTsNs = 0;
    order.routeTsNs = this.clock.nowNs();
    this.metrics.counters.add(this.venueRoutedSlots[venueId], 1);
    this.metrics.hist.stage_route.record(order.routeTsNs - tick.ingestTsNs);
    return true;
  }
}
