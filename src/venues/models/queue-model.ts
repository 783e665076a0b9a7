/**
 * Where a resting order stands in its price level's queue, estimated from market data that shows
 * only the level's total quantity (hftbacktest's queue models are the reference). The state of
 * every order lives in the caller's typed arrays: `front` is the quantity ahead of the order,
 * `tradedSinceDepth` the trade quantity at its price since the last depth update.
 */
import type { QueueModelName } from '../../config/config-types.js';

export interface QueueState {
  readonly front: Float64Array;
  readonly tradedSinceDepth: Float64Array;
}

export interface QueueModel {
  readonly name: string;
  /** The order joins the back of a level that holds `levelQty` ahead of it. */
  join(q: QueueState, slot: number, levelQty: number): void;
  /** A trade of `qty` printed at the order's price. */
  trade(q: QueueState, slot: number, qty: number): void;
  /** The level at the order's price went from `prevQty` to `newQty`. */
  depth(q: QueueState, slot: number, prevQty: number, newQty: number): void;
}

/** Quantity of the order filled by the queue moving past it (whole shares), 0 while anything is ahead. */
export function queueFilledQty(q: QueueState, slot: number): number {
  const front = q.front[slot];
  return Math.round(front) < 0 ? Math.floor(-front) : 0;
}

function join(q: QueueState, slot: number, levelQty: number): void {
  q.front[slot] = levelQty;
  q.tradedSinceDepth[slot] = 0;
}

/** Conservative: the order advances only when trades print at its price. */
export const riskAverseQueue: QueueModel = {
  name: 'risk-averse',
  join,
  trade(q, slot, qty) {
    q.front[slot] -= qty;
  },
  depth(q, slot, _prevQty, newQty) {
    q.front[slot] = Math.min(q.front[slot], newQty);
  },
};

/**
 * Also advances when the level shrinks without trades (cancellations), by the share of the
 * shrinkage that happened ahead of the order: P(cancel behind) = f(back) / (f(back) + f(front))
 * with f(x) = x^n. Trade quantity already applied is not counted again.
 */
export function probabilisticQueue(power: number): QueueModel {
  if (!(power > 0 && Number.isFinite(power))) {
    throw new RangeError(`probabilistic queue: power must be a positive number, got ${power}`);
  }
  return {
    name: 'probabilistic',
    join,
    trade(q, slot, qty) {
      q.front[slot] -= qty;
      q.tradedSinceDepth[slot] += qty;
    },
    depth(q, slot, prevQty, newQty) {
      const shrink = prevQty - newQty - q.tradedSinceDepth[slot];
      q.tradedSinceDepth[slot] = 0;
      const front = q.front[slot];
      if (shrink <= 0) {
        q.front[slot] = Math.min(front, newQty);
        return;
      }
      const back = prevQty - front;
      const fb = back ** power;
      const ff = front ** power;
      const pBehind = fb + ff > 0 ? fb / (fb + ff) : 1;
      const estimate = front - (1 - pBehind) * shrink + Math.min(back - pBehind * shrink, 0);
      q.front[slot] = Math.min(estimate, newQty);
    },
  };
}

export function createQueueModel(name: QueueModelName, power = 2): QueueModel {
  return name === 'probabilistic' ? probabilisticQueue(power) : riskAverseQueue;
}
