/**
 * The venues of a backtest, behind the same VenueGateway interface the live execution stage
 * uses. Orders travel the order-latency model's entry time to the venue, match there against the
 * venue's own book (ExchangeMarket, exchange time), and every report travels the response time
 * back. The venue rules are the venue simulation's (src/venues/models/), shared with the daemon's
 * simulated gateway, `hft venues` and the venue world: IOC orders take what the touch offers net
 * of what our earlier orders took from it (ioc-match.ts, touch-consumption.ts); GTC orders rest
 * with a queue position from the QueueModel and fill when trades print through the queue, or
 * whole when the market crosses their price (resting-match.ts); fees from the FeeModel. The
 * recorded market does not otherwise react to our orders (as in hftbacktest).
 */
import { TimerHeap } from '../core/timer-heap.js';
import { DeliveryQueue } from '../execution/delivery-queue.js';
import { OrderSlots } from '../execution/order-slots.js';
import { unknownOrderCancel, type VenueGateway, VenueRejectReason } from '../execution/venue-gateway.js';
import { ExecKind, type ExecReport, type Order, OrderType, TickFlag } from '../shm/records.js';
import { type FeeModel, Liquidity, type LiquidityValue } from '../venues/models/fee-model.js';
import { createIocFill, hasTouch } from '../venues/models/ioc-match.js';
import type { LegLatency } from '../venues/models/leg-latency.js';
import { type QueueModel, type QueueState, queueFilledQty } from '../venues/models/queue-model.js';
import { touchCrossesResting, tradesThrough } from '../venues/models/resting-match.js';
import { TouchConsumption } from '../venues/models/touch-consumption.js';
import type { ExchangeMarket } from './exchange-market.js';
import { RestingOrders } from './resting-orders.js';

/** Heap event kinds, in the low three bits of a payload. */
const Ev = { arrive: 0, cancelArrive: 1, expire: 2, deliver: 3, hindsight: 4 } as const;
const State = { free: 0, travelling: 1, resting: 2, done: 3 } as const;

export interface HindsightObserver {
  /** For an IOC order: the venue whose touch, net of taker fees, was best when each venue could have been reached. */
  onHindsight(clientOrderId: number, bestVenueId: number, bestEffectivePx: number): void;
}

export interface BacktestExchangeOptions {
  readonly market: ExchangeMarket;
  readonly latency: LegLatency;
  readonly queue: QueueModel;
  readonly fees: FeeModel;
  readonly hindsight?: HindsightObserver;
  readonly capacity?: number;
}

export class BacktestExchange implements VenueGateway {
  private readonly m: ExchangeMarket;
  private readonly latency: LegLatency;
  private readonly queueModel: QueueModel;
  private readonly fees: FeeModel;
  private readonly consumption: TouchConsumption;
  private readonly iocFill = createIocFill();
  private readonly heap: TimerHeap;
  private readonly deliveries: DeliveryQueue;
  private readonly resting: RestingOrders;
  private readonly q: QueueState;
  private readonly slots: OrderSlots;
  private readonly slotOf = new Map<number, number>();
  readonly capacity: number;
  // Per order slot.
  private readonly leaves: Float64Array;
  private readonly ttlNs: Float64Array;
  private readonly lastResponseNs: Float64Array;
  private readonly state: Int32Array;
  /** Reports still to come back (the final one counted from submit): the slot is reused at 0. */
  private readonly pending: Int32Array;
  private readonly probesLeft: Int32Array;
  private readonly bestPx: Float64Array;
  private readonly bestVenue: Int32Array;

  constructor(private readonly opts: BacktestExchangeOptions) {
    this.m = opts.market;
    this.latency = opts.latency;
    this.queueModel = opts.queue;
    this.fees = opts.fees;
    this.consumption = new TouchConsumption(this.m.bidPx.length);
    const cap = opts.capacity ?? 65536;
    this.capacity = cap;
    this.heap = new TimerHeap(cap * (4 + this.m.venueCount));
    this.deliveries = new DeliveryQueue(cap * 4);
    this.resting = new RestingOrders(cap, this.m.bidPx.length);
    this.q = { front: new Float64Array(cap), tradedSinceDepth: new Float64Array(cap) };
    this.slots = new OrderSlots(cap);
    const f64 = () => new Float64Array(cap);
    const i32 = () => new Int32Array(cap);
    this.leaves = f64();
    this.ttlNs = f64();
    this.lastResponseNs = f64();
    this.state = i32();
    this.pending = i32();
    this.probesLeft = i32();
    this.bestPx = f64();
    this.bestVenue = i32();
  }

  get inFlight(): number {
    return this.slots.inUse;
  }

  submit(order: Order, nowNs: number): boolean {
    const s = this.slots.take(order, nowNs);
    if (s < 0) return false;
    this.slotOf.set(order.clientOrderId, s);
    this.leaves[s] = order.qty;
    this.ttlNs[s] = order.ttlNs;
    this.lastResponseNs[s] = 0;
    this.state[s] = State.travelling;
    this.pending[s] = 1; // the final report
    this.push(nowNs + this.latency.entryNs(order.venueId, nowNs), s, Ev.arrive);
    if (this.opts.hindsight !== undefined && order.type === OrderType.limitIoc) this.probeVenues(s, nowNs);
    return true;
  }

  cancel(clientOrderId: number, nowNs: number, out: ExecReport): boolean {
    const s = this.slotOf.get(clientOrderId);
    if (s === undefined || this.state[s] === State.done) {
      unknownOrderCancel(clientOrderId, nowNs, out);
      return true;
    }
    this.pending[s]++;
    this.push(nowNs + this.latency.entryNs(this.slots.venueId[s], nowNs), s, Ev.cancelArrive);
    return false;
  }

  nextDueNs(): number {
    const due = this.heap.peekDue();
    // Resting orders can fill on any market event; otherwise the market is applied lazily.
    return this.resting.count > 0 ? Math.min(due, this.m.nextTsNs()) : due;
  }

  nextReport(nowNs: number, out: ExecReport): boolean {
    for (;;) {
      const heapDue = this.heap.peekDue();
      const marketDue = this.m.nextTsNs();
      if (marketDue <= heapDue) {
        if (marketDue > nowNs) return false;
        this.applyMarket(marketDue);
        continue;
      }
      if (heapDue > nowNs) return false;
      const payload = this.heap.pop();
      const id = payload >> 3;
      switch (payload & 7) {
        case Ev.arrive:
          this.arrive(id, heapDue);
          break;
        case Ev.cancelArrive:
          this.cancelArrive(id, heapDue);
          break;
        case Ev.expire:
          if (this.state[id] === State.resting) this.end(id, heapDue, ExecKind.expired, 0);
          break;
        case Ev.hindsight:
          this.hindsight(id);
          break;
        default:
          return this.emit(id, nowNs, out);
      }
    }
  }

  private push(dueNs: number, id: number, kind: number): void {
    if (!this.heap.push(dueNs, id * 8 + kind)) throw new Error('backtest exchange: event heap full');
  }

  /** Queues a report decided at `venueTsNs`; it reaches us after the response latency. */
  private respond(
    s: number,
    kind: number,
    venueTsNs: number,
    fillQty = 0,
    px = 0,
    fee = 0,
    reason = 0,
  ): void {
    const final = kind !== ExecKind.ack && (kind !== ExecKind.fill || this.leaves[s] === 0);
    if (final) this.state[s] = State.done;
    else this.pending[s]++;
    const due = Math.max(
      venueTsNs + this.latency.responseNs(this.slots.venueId[s], venueTsNs),
      this.lastResponseNs[s],
    );
    this.lastResponseNs[s] = due;
    const d = this.deliveries.add(s, kind, fillQty, px, this.leaves[s], venueTsNs, final, fee, reason);
    this.push(due, d, Ev.deliver);
  }

  private arrive(s: number, atNs: number): void {
    if (this.slots.cancelRequested[s] === 1) {
      this.respond(s, ExecKind.cancel, atNs, 0, 0, 0, VenueRejectReason.cancelled);
      return;
    }
    const b = this.m.book(this.slots.symbolId[s], this.slots.venueId[s]);
    const side = this.slots.side[s];
    const touch = side > 0 ? this.m.askPx[b] : this.m.bidPx[b];
    if (!hasTouch(touch)) {
      this.respond(s, ExecKind.reject, atNs, 0, 0, 0, VenueRejectReason.noQuote);
      return;
    }
    this.respond(s, ExecKind.ack, atNs);
    const touchQty = side > 0 ? this.m.askQty[b] : this.m.bidQty[b];
    const f = this.consumption.matchIoc(
      b,
      side,
      this.leaves[s],
      this.slots.limitPx[s],
      touch,
      touchQty,
      this.m.quoteVersion[b],
      true,
      this.iocFill,
    );
    if (f.filledQty > 0) {
      this.fill(s, atNs, f.filledQty, f.fillTicks, Liquidity.taker);
      if (this.leaves[s] === 0) return;
    }
    if (this.slots.type[s] !== OrderType.limitGtc) {
      this.end(s, atNs, ExecKind.expired, 0);
      return;
    }
    this.rest(s, b, atNs);
  }

  private rest(s: number, b: number, atNs: number): void {
    const buy = this.slots.side[s] > 0;
    const best = buy ? this.m.bidPx[b] : this.m.askPx[b];
    const px = this.slots.limitPx[s];
    // At the touch: behind its quantity. Better than the touch: first. Behind the touch: the
    // level is not in the data, so nothing is known ahead until it becomes the touch.
    const ahead =
      px === best
        ? buy
          ? this.m.bidQty[b]
          : this.m.askQty[b]
        : (buy ? px > best : px < best)
          ? 0
          : Infinity;
    this.queueModel.join(this.q, s, ahead);
    this.state[s] = State.resting;
    this.resting.add(s, b);
    if (this.ttlNs[s] > 0) this.push(atNs + this.ttlNs[s], s, Ev.expire);
  }

  private fill(s: number, atNs: number, qty: number, px: number, liquidity: LiquidityValue): void {
    this.leaves[s] -= qty;
    if (this.leaves[s] === 0 && this.state[s] === State.resting) this.resting.remove(s);
    const fee = this.fees.feeUsd(this.slots.venueId[s], qty, px, liquidity);
    this.respond(s, ExecKind.fill, atNs, qty, px, fee);
  }

  /** Ends a working order: expired, cancelled. */
  private end(s: number, atNs: number, kind: number, reason: number): void {
    if (this.state[s] === State.resting) this.resting.remove(s);
    this.respond(s, kind, atNs, 0, 0, 0, reason);
  }

  private cancelArrive(s: number, atNs: number): void {
    this.pending[s]--;
    if (this.state[s] === State.travelling) this.slots.cancelRequested[s] = 1;
    else if (this.state[s] === State.resting) this.end(s, atNs, ExecKind.cancel, VenueRejectReason.cancelled);
    this.releaseIfIdle(s);
  }

  private applyMarket(atNs: number): void {
    const b = this.m.applyNext();
    if (b < 0 || this.resting.headOf(b) < 0) return;
    const t = this.m.tick;
    for (let s = this.resting.headOf(b); s >= 0; ) {
      const next = this.resting.next(s);
      if ((t.flags & TickFlag.trade) !== 0 && t.lastQty > 0) this.onTrade(s, atNs, t.lastPx, t.lastQty);
      if (this.state[s] === State.resting && (t.flags & TickFlag.quote) !== 0) this.onQuote(s, b, atNs);
      s = next;
    }
  }

  private onTrade(s: number, atNs: number, px: number, qty: number): void {
    const limit = this.slots.limitPx[s];
    if (tradesThrough(this.slots.side[s], limit, px)) {
      this.fill(s, atNs, this.leaves[s], limit, Liquidity.maker);
      return;
    }
    if (px !== limit) return;
    this.queueModel.trade(this.q, s, qty);
    this.fillFromQueue(s, atNs);
  }

  private onQuote(s: number, b: number, atNs: number): void {
    const m = this.m;
    const buy = this.slots.side[s] > 0;
    const limit = this.slots.limitPx[s];
    const opposite = buy ? m.askPx[b] : m.bidPx[b];
    if (touchCrossesResting(this.slots.side[s], limit, opposite)) {
      this.fill(s, atNs, this.leaves[s], limit, Liquidity.maker);
      return;
    }
    const best = buy ? m.bidPx[b] : m.askPx[b];
    const prevBest = buy ? m.prevBidPx : m.prevAskPx;
    const newQty = buy ? m.bidQty[b] : m.askQty[b];
    const prevQty = prevBest === limit ? (buy ? m.prevBidQty : m.prevAskQty) : newQty;
    if (best === limit) this.queueModel.depth(this.q, s, prevQty, newQty);
    else if (buy ? best < limit : best > limit)
      this.queueModel.depth(this.q, s, prevBest === limit ? prevQty : 0, 0);
    this.fillFromQueue(s, atNs);
  }

  private fillFromQueue(s: number, atNs: number): void {
    const passed = queueFilledQty(this.q, s);
    if (passed <= 0) return;
    const qty = Math.min(passed, this.leaves[s]);
    this.q.front[s] += qty; // the volume that reached us is used up by our fill
    this.fill(s, atNs, qty, this.slots.limitPx[s], Liquidity.maker);
  }

  private emit(d: number, nowNs: number, out: ExecReport): boolean {
    const q = this.deliveries;
    const s = q.slot[d];
    this.slots.header(s, out, nowNs);
    out.venueTsNs = q.venueTsNs[d];
    out.kind = q.kind[d];
    out.fillQty = q.qty[d];
    out.fillPx = q.px[d];
    out.leavesQty = q.leaves[d];
    out.feeUsd = q.feeUsd[d];
    out.reason = q.reason[d];
    q.free(d);
    this.pending[s]--;
    this.releaseIfIdle(s);
    return true;
  }

  private releaseIfIdle(s: number): void {
    if (this.pending[s] > 0 || this.probesLeft[s] > 0 || this.state[s] !== State.done) return;
    this.slotOf.delete(this.slots.clientOrderId[s]);
    this.state[s] = State.free;
    this.slots.release(s);
  }

  /** Hindsight: one probe per venue, at the time this order could have reached it. */
  private probeVenues(s: number, nowNs: number): void {
    this.bestPx[s] = Number.NaN;
    this.bestVenue[s] = -1;
    const n = this.m.venueCount;
    this.probesLeft[s] = n;
    for (let v = 0; v < n; v++) this.push(nowNs + this.latency.entryNs(v, nowNs), s * n + v, Ev.hindsight);
  }

  private hindsight(id: number): void {
    const n = this.m.venueCount;
    const s = Math.floor(id / n);
    const v = id - s * n;
    const b = this.m.book(this.slots.symbolId[s], v);
    const buy = this.slots.side[s] > 0;
    const fee = this.fees.takerBps[v] / 1e4;
    const touch = buy ? this.m.askPx[b] : this.m.bidPx[b];
    const eff = touch > 0 ? (buy ? touch * (1 + fee) : touch * (1 - fee)) : Number.NaN;
    const better =
      !Number.isNaN(eff) &&
      (Number.isNaN(this.bestPx[s]) || (buy ? eff < this.bestPx[s] : eff > this.bestPx[s]));
    if (better) {
      this.bestPx[s] = eff;
      this.bestVenue[s] = v;
    }
    if (--this.probesLeft[s] === 0) {
      this.opts.hindsight?.onHindsight(this.slots.clientOrderId[s], this.bestVenue[s], this.bestPx[s]);
      this.releaseIfIdle(s);
    }
  }
}
