/**
 * Drives each simulated venue path with one quote stream and one order stream and collects the
 * fills it reports: the daemon's simulated gateway (quote table), `hft venues`' book (protocol
 * frames), the backtest exchange (recorded ticks) and the venue world's tape match (the routing
 * environment's venue). Each driver keeps only its path's I/O; the matching is the path's own.
 */
import type { BacktestData } from '../../../src/backtest/backtest-data.js';
import { BacktestExchange } from '../../../src/backtest/backtest-exchange.js';
import { ExchangeMarket } from '../../../src/backtest/exchange-market.js';
import { RecordTable } from '../../../src/backtest/record-table.js';
import { asSymbolId, asVenueId } from '../../../src/core/ids.js';
import { Random } from '../../../src/core/random.js';
import { SimVenueGateway } from '../../../src/execution/sim-venue-gateway.js';
import type { VenueLatencyModel } from '../../../src/market/latency/venue-latency-model.js';
import {
  ExecKind,
  ExecReportCodec,
  LatencySampleCodec,
  LatencySampleLayout,
  type Order,
  OrderCodec,
  TickCodec,
  TickFlag,
  TickLayout,
} from '../../../src/shm/records.js';
import { type FeeModel, Liquidity, type LiquidityValue } from '../../../src/venues/models/fee-model.js';
import { createIocFill } from '../../../src/venues/models/ioc-match.js';
import { entryLegNs, type LegLatency, responseLegNs } from '../../../src/venues/models/leg-latency.js';
import { riskAverseQueue } from '../../../src/venues/models/queue-model.js';
import { matchOnTape } from '../../../src/venues/models/tape-match.js';
import { TouchConsumption } from '../../../src/venues/models/touch-consumption.js';
import type { WorldTape } from '../../../src/venues/models/world-tape.js';
import { VenueBook } from '../../../src/venues/venue-book.js';
import { createServerFrame, decodeServerFrame, ServerFrameKind } from '../../../src/venues/venue-protocol.js';
import { stageFixture } from '../../fixtures.js';

/** One top-of-book update of one venue, currency units. */
export interface QuoteEvent {
  tNs: number;
  venueId: number;
  bidPx: number;
  askPx: number;
  bidQty: number;
  askQty: number;
}

/** One of our orders, with the round trip it meets (drawn once, used by every path). */
export interface OrderEvent {
  id: number;
  sentNs: number;
  venueId: number;
  side: number;
  qty: number;
  limitPx: number;
  type: number;
  ttlNs: number;
  roundTripNs: number;
}

/** What a path reports of one fill. */
export interface Fill {
  id: number;
  qty: number;
  px: number;
  feeUsd: number;
  liquidity: LiquidityValue;
}

/** How each order ended, by id: 'reject', or the fills' total ('0' for an order that expired unfilled). */
export type Outcomes = Map<number, string>;

/** The reports carry no liquidity flag: in these streams the maker fee is a rebate, the taker fee a charge. */
function liquidityOf(feeUsd: number): LiquidityValue {
  return feeUsd < 0 ? Liquidity.maker : Liquidity.taker;
}

/** The tape's book events in time order, prices in currency (ticks x tick size, as the world quotes). */
export function tapeQuotes(tape: WorldTape): QuoteEvent[] {
  const tick = tape.p.tickPx;
  const out: QuoteEvent[] = [];
  tape.books.forEach((b, venueId) => {
    for (let i = 0; i < b.ts.length; i++)
      out.push({
        tNs: b.ts.data[i],
        venueId,
        bidPx: b.bid.data[i] * tick,
        askPx: b.ask.data[i] * tick,
        bidQty: b.bidQty.data[i],
        askQty: b.askQty.data[i],
      });
  });
  return out.sort((a, b) => a.tNs - b.tNs || a.venueId - b.venueId);
}

/** Round trips in the order each venue is asked for them: the gateway's latency model. */
class ReplayRoundTrips implements VenueLatencyModel {
  private next = 0;
  constructor(private readonly draws: number[]) {}
  sampleRoundTripNs(): number {
    return this.draws[this.next++];
  }
}

/** The same round trips as the backtest's entry and response legs. */
class ReplayLegs implements LegLatency {
  readonly name = 'replay';
  private readonly next: number[];
  private readonly last: number[];
  constructor(private readonly draws: number[][]) {
    this.next = draws.map(() => 0);
    this.last = draws.map(() => 0);
  }
  entryNs(venueId: number): number {
    this.last[venueId] = this.draws[venueId][this.next[venueId]++];
    return entryLegNs(this.last[venueId]);
  }
  responseNs(venueId: number): number {
    return responseLegNs(this.last[venueId]);
  }
}

function drawsPerVenue(orders: readonly OrderEvent[], venues: number): number[][] {
  const draws: number[][] = Array.from({ length: venues }, () => []);
  for (const o of orders) draws[o.venueId].push(o.roundTripNs);
  return draws;
}

function toOrder(o: OrderEvent): Order {
  return Object.assign(OrderCodec.create(), {
    clientOrderId: o.id,
    symbolId: asSymbolId(0),
    venueId: asVenueId(o.venueId),
    side: o.side,
    qty: o.qty,
    limitPx: o.limitPx,
    type: o.type,
    ttlNs: o.ttlNs,
  });
}

class Collector {
  readonly fills: Fill[] = [];
  readonly outcomes: Outcomes = new Map();
  report(id: number, kind: number, qty: number, px: number, feeUsd: number): void {
    if (kind === ExecKind.fill) {
      this.fills.push({ id, qty, px, feeUsd, liquidity: liquidityOf(feeUsd) });
      this.outcomes.set(id, String(Number(this.outcomes.get(id) ?? 0) + qty));
    } else if (kind === ExecKind.reject) this.outcomes.set(id, 'reject');
    else if (kind === ExecKind.expired && !this.outcomes.has(id)) this.outcomes.set(id, '0');
  }
}

/** The daemon's path: quotes published to the quote table, orders through SimVenueGateway. */
export function runGateway(
  quotes: readonly QuoteEvent[],
  orders: readonly OrderEvent[],
  fees: FeeModel,
  venues: number,
): Collector {
  const f = stageFixture(
    ['SYM'],
    Array.from({ length: venues }, (_, v) => `V${v}`),
  );
  const latency = drawsPerVenue(orders, venues).map((d) => new ReplayRoundTrips(d));
  const gw = new SimVenueGateway(f.quotes, latency, fees, new Random(1), orders.length + 1);
  for (const o of orders) gw.submit(toOrder(o), o.sentNs);
  const out = new Collector();
  const r = ExecReportCodec.create();
  const tick = TickCodec.create();
  let q = 0;
  for (;;) {
    const quoteNs = q < quotes.length ? quotes[q].tNs : Number.POSITIVE_INFINITY;
    const dueNs = gw.nextDueNs();
    if (quoteNs === Number.POSITIVE_INFINITY && dueNs === Number.POSITIVE_INFINITY) return out;
    if (quoteNs <= dueNs) {
      const e = quotes[q++];
      Object.assign(tick, e, { symbolId: 0, flags: TickFlag.quote, recvTsNs: e.tNs, exchTsNs: e.tNs });
      f.quotes.publish(tick);
      continue;
    }
    while (gw.nextReport(dueNs, r)) out.report(r.clientOrderId, r.kind, r.fillQty, r.fillPx, r.feeUsd);
  }
}

/** The backtest's path: quotes as recorded ticks, orders through BacktestExchange. */
export function runBacktest(
  quotes: readonly QuoteEvent[],
  orders: readonly OrderEvent[],
  fees: FeeModel,
  venues: number,
): Collector {
  const ticks = new RecordTable(TickCodec, TickLayout);
  const t = TickCodec.create();
  for (const e of quotes) {
    Object.assign(t, TickCodec.create(), {
      bidPx: e.bidPx,
      askPx: e.askPx,
      bidQty: e.bidQty,
      askQty: e.askQty,
    });
    Object.assign(t, { venueId: e.venueId, exchTsNs: e.tNs, recvTsNs: e.tNs, flags: TickFlag.quote });
    ticks.push(t);
  }
  const data: BacktestData = {
    registry: { symbols: ['SYM'], venues: Array.from({ length: venues }, (_, v) => `V${v}`) },
    origin: 'four-paths',
    wallOffsetNs: 0,
    ticks,
    samples: new RecordTable(LatencySampleCodec, LatencySampleLayout),
  };
  const ex = new BacktestExchange({
    market: new ExchangeMarket(data, venues, 1),
    latency: new ReplayLegs(drawsPerVenue(orders, venues)),
    queue: riskAverseQueue,
    fees,
    capacity: orders.length + 1,
  });
  for (const o of orders) ex.submit(toOrder(o), o.sentNs);
  const out = new Collector();
  const r = ExecReportCodec.create();
  for (let due = ex.nextDueNs(); due < Number.POSITIVE_INFINITY; due = ex.nextDueNs())
    while (ex.nextReport(due, r)) out.report(r.clientOrderId, r.kind, r.fillQty, r.fillPx, r.feeUsd);
  return out;
}

/** Quotes and order arrivals in venue time; a quote at an order's arrival instant is already there. */
function arrivalsAmongQuotes(quotes: readonly QuoteEvent[], orders: readonly OrderEvent[]) {
  const arrivals = orders
    .map((o) => ({ o, atNs: o.sentNs + entryLegNs(o.roundTripNs) }))
    .sort((a, b) => a.atNs - b.atNs);
  const steps: ({ quote: QuoteEvent } | { order: OrderEvent; atNs: number })[] = [];
  let q = 0;
  for (const a of arrivals) {
    while (q < quotes.length && quotes[q].tNs <= a.atNs) steps.push({ quote: quotes[q++] });
    steps.push({ order: a.o, atNs: a.atNs });
  }
  return steps;
}

/** `hft venues`' path: each venue server's book, fed the quotes, matching each order on arrival. */
export function runVenueBooks(
  quotes: readonly QuoteEvent[],
  orders: readonly OrderEvent[],
  fees: FeeModel,
  venues: number,
): Collector {
  const counters = { fills: 0, rejects: 0, cancels: 0 };
  const books = Array.from({ length: venues }, (_, v) => new VenueBook(['SYM'], fees, v, counters));
  const out = new Collector();
  const frame = createServerFrame();
  for (const step of arrivalsAmongQuotes(quotes, orders)) {
    if ('quote' in step) {
      const e = step.quote;
      books[e.venueId].set(0, e.bidPx, e.askPx, e.bidQty, e.askQty);
      continue;
    }
    const o = step.order;
    const pending = {
      clientOrderId: o.id,
      symbolId: 0,
      side: o.side,
      qty: o.qty,
      limitPx: o.limitPx,
      cancelled: false,
    };
    for (const text of books[o.venueId].match(pending, false)) {
      if (decodeServerFrame(text, frame) !== ServerFrameKind.report) throw new Error(`bad frame ${text}`);
      out.report(frame.clientOrderId, frame.execKind, frame.fillQty, frame.fillPx, frame.feeUsd);
    }
  }
  return out;
}

/** The venue world's path (the routing environment's venue): each order matched on the tape at its arrival. */
export function runTape(tape: WorldTape, orders: readonly OrderEvent[], fees: FeeModel): Collector {
  const tick = tape.p.tickPx;
  const consumption = new TouchConsumption(tape.venueCount);
  const fill = createIocFill();
  const out = new Collector();
  for (const step of arrivalsAmongQuotes([], orders)) {
    if (!('order' in step)) continue;
    const o = step.order;
    const limitTicks = Math.round(o.limitPx / tick);
    matchOnTape(tape, consumption, o.venueId, o.side, o.qty, limitTicks, step.atNs, true, fill);
    if (fill.filledQty > 0) {
      const px = fill.fillTicks * tick;
      const fee = fees.feeUsd(o.venueId, fill.filledQty, px, Liquidity.taker);
      out.report(o.id, ExecKind.fill, fill.filledQty, px, fee);
    } else out.report(o.id, ExecKind.expired, 0, 0, 0);
  }
  return out;
}
