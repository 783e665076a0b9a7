/** Pre-trade limits, from config (`trading.*`). */
export interface RiskLimits {
  maxOrderQty: number;
  maxPositionQty: number;
  maxPortfolioNotionalUsd: number;
}
