import type { HftConfig } from '../config/config-types.js';
import { ArbitrageStrategy } from './arbitrage-strategy.js';
import { MarketMakingStrategy } from './market-making-strategy.js';
import { MomentumStrategy } from './momentum-strategy.js';
import type { Strategy } from './strategy.js';

/** The strategy named by `trading.strategy.name`. */
export function createStrategy(
  symbolCount: number,
  trading: HftConfig['trading'],
  feeBps: Float64Array,
): Strategy {
  const s = trading.strategy;
  const cooldownNs = s.cooldown_ms * 1e6;
  switch (s.name) {
    case 'momentum':
    case 'mean-reversion':
      return new MomentumStrategy(symbolCount, {
        thresholdBps: s.threshold_bps,
        cooldownNs,
        orderQty: trading.order_size,
        direction: s.name === 'momentum' ? 1 : -1,
      });
    case 'arbitrage':
      return new ArbitrageStrategy(symbolCount, {
        thresholdBps: s.threshold_bps,
        cooldownNs,
        orderQty: trading.order_size,
        feeBps,
      });
    case 'market-making':
      return new MarketMakingStrategy(symbolCount, {
        halfSpreadBps: s.half_spread_bps,
        skewBps: s.skew_bps,
        quoteTtlNs: s.quote_ttl_ms * 1e6,
        orderQty: trading.order_size,
        maxPositionQty: trading.max_position_size,
        feeBps,
      });
  }
}
