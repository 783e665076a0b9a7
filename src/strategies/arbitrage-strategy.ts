/**
 * Cross-venue arbitrage: when one venue's bid is above another's ask by more than both taker fees
 * plus a threshold, buy at the cheap venue and sell at the rich one, both as IOC at the quoted
 * prices. Each leg's fill depends on the order reaching its venue before the quote moves, which
 * is where latency prediction pays.
 */
import type { BookTops } from '../market/book-tops.js';
import { OrderType, type Tick } from '../shm/records.js';
import type { OrderIntent, Strategy, StrategyContext } from './strategy.js';

export interface ArbitrageParams {
  thresholdBps: number;
  cooldownNs: number;
  orderQty: number;
  /** Taker fee per venue, bps. */
  feeBps: Float64Array;
}

export class ArbitrageStrategy implements Strategy {
  readonly id = 3;
  readonly name = 'arbitrage';
  private readonly lastOrderNs: Float64Array;

  constructor(
    symbolCount: number,
    private readonly params: ArbitrageParams,
  ) {
    this.lastOrderNs = new Float64Array(symbolCount).fill(Number.NEGATIVE_INFINITY);
  }

  onTick(tick: Tick, book: BookTops, intents: OrderIntent[], _ctx?: StrategyContext): number {
    const s = tick.symbolId;
    let buyVenue = -1;
    let sellVenue = -1;
    let bestAsk = Number.POSITIVE_INFINITY;
    let bestBid = 0;
    for (let v = 0; v < book.venueCount; v++) {
      const i = book.index(s, v);
      if (book.askPx[i] > 0 && book.askPx[i] < bestAsk) {
        bestAsk = book.askPx[i];
        buyVenue = v;
      }
      if (book.bidPx[i] > bestBid) {
        bestBid = book.bidPx[i];
        sellVenue = v;
      }
    }
    if (buyVenue < 0 || sellVenue < 0 || buyVenue === sellVenue) return 0;
    const mid = (bestBid + bestAsk) / 2;
    const fees = this.params.feeBps[buyVenue] + this.params.feeBps[sellVenue];
    const edgeBps = ((bestBid - bestAsk) / mid) * 1e4 - fees;
    if (edgeBps < this.params.thresholdBps) return 0;
    if (tick.recvTsNs - this.lastOrderNs[s] < this.params.cooldownNs) return 0;
    this.lastOrderNs[s] = tick.recvTsNs;
    const qty = Math.min(
      this.params.orderQty,
      book.askQty[book.index(s, buyVenue)],
      book.bidQty[book.index(s, sellVenue)],
    );
    if (!(qty > 0)) return 0;
    leg(intents[0], s, 1, qty, mid, buyVenue, bestAsk);
    leg(intents[1], s, -1, qty, mid, sellVenue, bestBid);
    return 2;
  }
}

function leg(
  i: OrderIntent,
  s: number,
  side: number,
  qty: number,
  mid: number,
  venueId: number,
  px: number,
): void {
  i.symbolId = s;
  i.side = side;
  i.qty = qty;
  i.arrivalMid = mid;
  i.venueId = venueId;
  i.limitPx = px;
  i.type = OrderType.limitIoc;
  i.ttlNs = 0;
}
