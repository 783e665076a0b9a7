/** Pre-trade limits, from config (`trading.*` and `risk.*`), in the units the checks use. */
import type { HftConfig } from '../config/config-types.js';

export interface RiskLimits {
  maxOrderQty: number;
  maxOrderNotionalUsd: number;
  maxPositionQty: number;
  maxPortfolioNotionalUsd: number;
  priceBandBps: number;
  staleQuoteNs: number;
  maxOrdersPerSec: number;
  maxOpenOrders: number;
  maxLossUsd: number;
  maxDrawdownUsd: number;
}

export function riskLimitsFromConfig(trading: HftConfig['trading'], risk: HftConfig['risk']): RiskLimits {
  return {
    maxOrderQty: trading.max_order_size,
    maxOrderNotionalUsd: risk.max_order_notional,
    maxPositionQty: trading.max_position_size,
    maxPortfolioNotionalUsd: trading.max_portfolio_value,
    priceBandBps: risk.price_band_bps,
    staleQuoteNs: risk.stale_quote_ms * 1e6,
    maxOrdersPerSec: risk.max_orders_per_sec,
    maxOpenOrders: risk.max_open_orders,
    maxLossUsd: risk.max_loss_usd,
    maxDrawdownUsd: risk.max_drawdown_usd,
  };
}
