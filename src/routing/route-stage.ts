/**
 * Route: keeps the cross-venue book from the tick stream, asks the strategy for an intent and the
 * router for a venue, and writes a marketable IOC order priced at that venue's quote.
 */
import type { Clock } from '../core/clock.js';
import { BookTops } from '../market/book-tops.js';
import type { PipelineMetrics } from '../pipeline/pipeline-metrics.js';
import { type Order, OrderType, type Tick } from '../shm/records.js';
import type { OrderIntent, Strategy } from '../strategies/strategy.js';
import type { RouteContext, Router } from './router.js';

export class RouteStage {
  readonly book: BookTops;
  private readonly intent: OrderIntent = { symbolId: 0, side: 0, qty: 0, arrivalMid: 0 };
  private readonly ctx: RouteContext;
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
  ) {
    this.book = new BookTops(symbolCount, venueCount);
    this.ctx = { book: this.book, forecasts, feeBps, venues };
    this.routedSlot = metrics.slot('ticks_routed');
    this.intendedSlot = metrics.slot('orders_intended');
    this.venueRoutedSlots = metrics.slots(venueCount, (v) => `venue_${v}_routed`);
  }

  /** Client order ids are unique per run and across a recovery: continue above the journal's. */
  continueClientOrderIdsAfter(maxUsedId: number): void {
    this.nextClientOrderId = Math.max(this.nextClientOrderId, maxUsedId + 1);
  }

  /** Returns true when `order` was filled in and must be sent on. */
  onTick(tick: Tick, order: Order): boolean {
    this.book.update(tick);
    this.metrics.counters.add(this.routedSlot, 1);
    if (!this.strategy.onTick(tick, this.book, this.intent)) return false;
    this.metrics.counters.add(this.intendedSlot, 1);
    const venueId = this.router.route(this.intent, this.ctx);
    if (venueId < 0) return false;
    const i = this.book.index(this.intent.symbolId, venueId);
    order.clientOrderId = this.nextClientOrderId++;
    order.symbolId = this.intent.symbolId;
    order.venueId = venueId;
    order.side = this.intent.side;
    order.qty = this.intent.qty;
    order.limitPx = this.intent.side > 0 ? this.book.askPx[i] : this.book.bidPx[i];
    order.type = OrderType.limitIoc;
    order.strategyId = this.strategy.id;
    order.arrivalMid = this.intent.arrivalMid;
    order.tickRecvTsNs = tick.recvTsNs;
    order.tickIngestTsNs = tick.ingestTsNs;
    order.riskTsNs = 0;
    order.routeTsNs = this.clock.nowNs();
    this.metrics.counters.add(this.venueRoutedSlots[venueId], 1);
    this.metrics.hist.stage_route.record(order.routeTsNs - tick.ingestTsNs);
    return true;
  }
}
