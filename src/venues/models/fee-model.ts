/**
 * The fee of a fill, from the venue's config: a taker (an order that met the touch on arrival)
 * pays the venue's `fee_bps`; a maker (a resting order the market came to) pays
 * `backtest.maker_fee_bps`, negative for a rebate (hftbacktest's maker/taker fee model).
 * Basis points of the notional, in the currency of the price.
 */
import type { VenueConfig } from '../../config/config-types.js';

/** Which side of the trade a fill was on. */
export const Liquidity = { taker: 1, maker: 2 } as const;
export type LiquidityValue = (typeof Liquidity)[keyof typeof Liquidity];

export class FeeModel {
  constructor(
    readonly takerBps: Float64Array,
    readonly makerBps: Float64Array,
  ) {
    if (takerBps.length !== makerBps.length)
      throw new RangeError(
        `fee model: ${takerBps.length} taker fees but ${makerBps.length} maker fees (one per venue)`,
      );
  }

  /** Fee rate of a fill at `venueId`, bps. */
  bps(venueId: number, liquidity: LiquidityValue): number {
    return liquidity === Liquidity.maker ? this.makerBps[venueId] : this.takerBps[venueId];
  }

  /** Fee of `qty` filled at `px` at `venueId`, currency units of `px`. */
  feeUsd(venueId: number, qty: number, px: number, liquidity: LiquidityValue): number {
    return (qty * px * this.bps(venueId, liquidity)) / 1e4;
  }
}

/** Each venue's `fee_bps` for takers and one maker fee for all (config `backtest.maker_fee_bps`). */
export function feeModelFor(venues: readonly Pick<VenueConfig, 'fee_bps'>[], makerFeeBps: number): FeeModel {
  return new FeeModel(
    Float64Array.from(venues, (v) => v.fee_bps),
    new Float64Array(venues.length).fill(makerFeeBps),
  );
}

/** Taker fees only, makers free (the default `backtest.maker_fee_bps: 0`). */
export function takerFeeModel(takerBps: Float64Array): FeeModel {
  return new FeeModel(takerBps, new Float64Array(takerBps.length));
}
