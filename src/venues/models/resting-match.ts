/**
 * When a resting (GTC) order fills without waiting for the queue, as hftbacktest's exchanges
 * decide it: once the opposite touch reaches its price, or a trade prints through it, the whole
 * remaining order fills at its own price as a maker (the market came to it, so no price
 * improvement). Trades at its price fill it only through the queue (queue-model.ts).
 */
import { PRICE_EPS, withinLimit } from './ioc-match.js';

/** True when the opposite touch `oppositePx` is at or through the limit of a resting `side` order. */
export function touchCrossesResting(side: number, limitPx: number, oppositePx: number): boolean {
  return withinLimit(side, limitPx, oppositePx);
}

/** True when a trade at `tradePx` printed strictly through the limit (below a resting buy, above a sell). */
export function tradesThrough(side: number, limitPx: number, tradePx: number): boolean {
  return tradePx > 0 && side * (limitPx - tradePx) > PRICE_EPS * limitPx;
}
