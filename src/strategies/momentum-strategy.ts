/**
 * Momentum taker: follows the cross-venue mid when a fast EWMA pulls away from a slow one by more
 * than a threshold, with a cooldown per symbol. Simple on purpose: it exists to turn ticks into a
 * steady flow of marketable orders.
 */
import type { BookTops } from '../market/book-tops.js';
import type { Tick } from '../shm/records.js';
import type { OrderIntent, Strategy } from './strategy.js';

export interface MomentumParams {
  thresholdBps: number;
  cooldownNs: number;
  orderQty: number;
  fastAlpha?: number;
  slowAlpha?: number;
}

export class MomentumStrategy implements Strategy {
  readonly id = 1;
  readonly name = 'momentum';
  private readonly fast: Float64Array;
  private readonly slow: Float64Array;
  private readonly lastOrderNs: Float64Array;
  private readonly fastAlpha: number;
  private readonly slowAlpha: number;

  constructor(
    symbolCount: number,
    private readonly params: MomentumParams,
  ) {
    this.fast = new Float64Array(symbolCount);
    this.slow = new Float64Array(symbolCount);
    this.lastOrderNs = new Float64Array(symbolCount).fill(Number.NEGATIVE_INFINITY);
    this.fastAlpha = params.fastAlpha ?? 0.3;
    this.slowAlpha = params.slowAlpha ?? 0.02;
  }

  onTick(tick: Tick, book: BookTops, intent: OrderIntent): boolean {
    const s = tick.symbolId;
    const mid = book.mid(s);
    if (Number.isNaN(mid)) return false;
    if (this.slow[s] === 0) {
      this.fast[s] = mid;
      this.slow[s] = mid;
      return false;
    }
    this.fast[s] += this.fastAlpha * (mid - this.fast[s]);
    this.slow[s] += this.slowAlpha * (mid - this.slow[s]);
    const signalBps = ((this.fast[s] - this.slow[s]) / mid) * 1e4;
    if (Math.abs(signalBps) < this.params.thresholdBps) return false;
    if (tick.recvTsNs - this.lastOrderNs[s] < this.params.cooldownNs) return false;
    this.lastOrderNs[s] = tick.recvTsNs;
    intent.symbolId = s;
    intent.side = signalBps > 0 ? 1 : -1;
    intent.qty = this.params.orderQty;
    intent.arrivalMid = mid;
    return true;
  }
}
