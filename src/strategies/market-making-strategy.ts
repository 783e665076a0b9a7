/**
 * Passive market making with inventory skew: rests a bid and an ask around the cross-venue mid on
 * the venue with the lowest fee, both shifted against the position held (long -> quotes lower, to
 * sell more and buy less). Quotes rest for a fixed time, then expire at the venue and are renewed
 * (no cancel traffic). Orders that would cross the book are not sent.
 */
import type { BookTops } from '../market/book-tops.js';
import { OrderType, type Tick } from '../shm/records.js';
import type { OrderIntent, Strategy, StrategyContext } from './strategy.js';

export interface MarketMakingParams {
  halfSpreadBps: number;
  /** Quote shift per `orderQty` of inventory, bps. */
  skewBps: number;
  quoteTtlNs: number;
  orderQty: number;
  /** Stop quoting the side that would grow the position beyond this. */
  maxPositionQty: number;
  feeBps: Float64Array;
}

export class MarketMakingStrategy implements Strategy {
  readonly id = 4;
  readonly name = 'market-making';
  /** When the symbol's current quotes expire. */
  private readonly quotedUntilNs: Float64Array;
  private readonly venue: number;

  constructor(
    symbolCount: number,
    private readonly params: MarketMakingParams,
  ) {
    this.quotedUntilNs = new Float64Array(symbolCount);
    let best = 0;
    for (let v = 1; v < params.feeBps.length; v++) if (params.feeBps[v] < params.feeBps[best]) best = v;
    this.venue = best;
  }

  onTick(tick: Tick, book: BookTops, intents: OrderIntent[], ctx: StrategyContext): number {
    const s = tick.symbolId;
    if (tick.recvTsNs < this.quotedUntilNs[s]) return 0;
    const mid = book.mid(s);
    const i = book.index(s, this.venue);
    const venueBid = book.bidPx[i];
    const venueAsk = book.askPx[i];
    if (Number.isNaN(mid) || !(venueBid > 0) || !(venueAsk > 0)) return 0;
    const p = this.params;
    const pos = ctx.position(s);
    const skew = (pos / p.orderQty) * p.skewBps;
    // Never cross the venue's own book: a passive order must rest.
    const bid = Math.min(floorCent(mid * (1 - (p.halfSpreadBps + skew) / 1e4)), venueAsk - 0.01);
    const ask = Math.max(ceilCent(mid * (1 + (p.halfSpreadBps - skew) / 1e4)), venueBid + 0.01);
    this.quotedUntilNs[s] = tick.recvTsNs + p.quoteTtlNs;
    let n = 0;
    if (pos + p.orderQty <= p.maxPositionQty) quote(intents[n++], s, 1, p, mid, this.venue, bid);
    if (pos - p.orderQty >= -p.maxPositionQty) quote(intents[n++], s, -1, p, mid, this.venue, ask);
    return n;
  }
}

function quote(
  i: OrderIntent,
  s: number,
  side: number,
  p: MarketMakingParams,
  mid: number,
  venueId: number,
  px: number,
) {
  i.symbolId = s;
  i.side = side;
  i.qty = p.orderQty;
  i.arrivalMid = mid;
  i.venueId = venueId;
  i.limitPx = px;
  i.type = OrderType.limitGtc;
  i.ttlNs = p.quoteTtlNs;
}

const floorCent = (px: number) => Math.floor(px * 100 + 1e-9) / 100;
const ceilCent = (px: number) => Math.ceil(px * 100 - 1e-9) / 100;
