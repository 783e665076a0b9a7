/**
 * The one matching rule of every simulated venue (the daemon's simulated gateway, `hft venues`,
 * the backtest exchange and the venue world): a marketable IOC meets the venue's touch as it
 * stands when the order arrives. It fills up to the touch size when the touch is at or inside its
 * limit (price improvement included), the rest is cancelled. Shares that our own earlier orders
 * took from the same touch are no longer there (touch-consumption.ts); the market does not
 * otherwise react to our orders. Prices may be ticks or currency: the rule is the same.
 */

/** What one IOC got at one venue; `fillTicks` is in the unit of the prices given (ticks or currency). */
export interface IocFill {
  filledQty: number;
  fillTicks: number;
}

export function createIocFill(): IocFill {
  return { filledQty: 0, fillTicks: 0 };
}

/** Relative slack of the price comparison: a touch within this of the limit is at the limit. */
export const PRICE_EPS = 1e-9;

/** True when a venue shows a touch at all; without one the order is rejected (no quote). */
export function hasTouch(touchPx: number): boolean {
  return touchPx > 0;
}

/** True when `px` is at or inside the limit of a `side` order (+1 buy, -1 sell). */
export function withinLimit(side: number, limitPx: number, px: number): boolean {
  return px > 0 && limitPx > 0 && side * (px - limitPx) <= PRICE_EPS * limitPx;
}

/**
 * Matches `qty` against a touch of `touchQty` at `touchTicks` for an order of `side` with limit
 * `limitTicks`; `takenQty` is what our earlier orders took from this same touch.
 */
export function matchIoc(
  side: number,
  qty: number,
  limitTicks: number,
  touchTicks: number,
  touchQty: number,
  takenQty: number,
  out: IocFill,
): IocFill {
  const available = touchQty - takenQty;
  out.filledQty = withinLimit(side, limitTicks, touchTicks) && available > 0 ? Math.min(qty, available) : 0;
  out.fillTicks = out.filledQty > 0 ? touchTicks : 0;
  return out;
}

/**
 * Execution quality of an order, basis points of the arrival mid `mid0Ticks` summed over its
 * shares: filled shares score side x (mid0 - fill) - fee; missed shares pay `retakeCostTicks`
 * (side x price + fee of taking them once the answer is back, world-state.ts retakeCostTicks).
 */
export function executionBpsShares(
  side: number,
  qty: number,
  fill: IocFill,
  feeBps: number,
  retakeCostTicks: number,
  mid0Ticks: number,
): number {
  let bps = 0;
  if (fill.filledQty > 0)
    bps += fill.filledQty * ((side * (mid0Ticks - fill.fillTicks) * 1e4) / mid0Ticks - feeBps);
  const missed = qty - fill.filledQty;
  if (missed > 0) bps -= (missed * (retakeCostTicks - side * mid0Ticks) * 1e4) / mid0Ticks;
  return bps;
}
