/**
 * Momentum taker (or, with direction -1, mean reversion): acts when a fast EWMA of the
 * cross-venue mid pulls away from a slow one by more than a threshold, with a cooldown per
 * symbol. Orders are marketable IOC; the router picks the venue.
 */
import type { BookTops } from '../market/book-tops.js';
import { OrderType, type Tick } from '../shm/records.js';
import type { OrderIntent, Strategy, StrategyContext } from './strategy.js';

export interface MomentumParams {
  thresholdBps: number;
  cooldownNs: number;
  orderQty: number;
  /** 1 follows the move (momentum), -1 fades it (mean reversion). */
  direction?: 1 | -1;
  fastAlpha?: number;
  slowAlpha?: number;
}

export class MomentumStrategy implements Strategy {
  readonly id: number;
  readonly name: string;
  private readonly fast: Float64Array;
  private readonly slow: Float64Array;
  private readonly lastOrderNs: Float64Array;
  private readonly fastAlpha: number;
  private readonly slowAlpha: number;
  private readonly direction: 1 | -1;

  constructor(
    symbolCount: number,
    private readonly params: MomentumParams,
  ) {
    this.direction = params.direction ?? 1;
    this.id = this.direction > 0 ? 1 : 2;
    this.name = this.direction > 0 ? 'momentum' : 'mean-reversion';
    this.fast = new Float64Array(symbolCount);
    this.slow = new Float64Array(symbolCount);
    this.lastOrderNs = new Float64Array(symbolCount).fill(Number.NEGATIVE_INFINITY);
    this.fastAlpha = params.fastAlpha ?? 0.3;
    this.slowAlpha = params.slowAlpha ?? 0.02;
  }

  onTick(tick: Tick, book: BookTops, intents: OrderIntent[], _ctx?: StrategyContext): number {
    const s = tick.symbolId;
    const mid = book.mid(s);
    if (Number.isNaN(mid)) return 0;
    if (this.slow[s] === 0) {
      this.fast[s] = mid;
      this.slow[s] = mid;
      return 0;
    }
    this.fast[s] += this.fastAlpha * (mid - this.fast[s]);
    this.slow[s] += this.slowAlpha * (mid - this.slow[s]);
    const signalBps = ((this.fast[s] - this.slow[s]) / mid) * 1e4;
    if (Math.abs(signalBps) < this.params.thresholdBps) return 0;
    if (tick.recvTsNs - this.lastOrderNs[s] < this.params.cooldownNs) return 0;
    this.lastOrderNs[s] = tick.recvTsNs;
    const intent = intents[0];
    intent.symbolId = s;
    intent.side = (signalBps > 0 ? 1 : -1) * this.direction;
    intent.qty = this.params.orderQty;
    intent.arrivalMid = mid;
    intent.venueId = -1;
    intent.limitPx = 0;
    intent.type = OrderType.limitIoc;
    intent.ttlNs = 0;
    return 1;
  }
}
