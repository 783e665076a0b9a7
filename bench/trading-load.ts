/**
 * The load the pipeline bench, the soak and the backpressure test drive: a momentum strategy that
 * trades often enough to measure tick-to-order, and position, portfolio and loss limits set so high
 * that no risk check ever stops it (a halt would end the measurement, not test anything).
 */
import type { HftConfig } from '../src/config/config-types.js';

export function tradeOftenWithoutLimits(cfg: HftConfig): void {
  cfg.trading.strategy = { ...cfg.trading.strategy, name: 'momentum', threshold_bps: 0.5, cooldown_ms: 2 };
  cfg.trading.max_position_size = 1e9;
  cfg.trading.max_portfolio_value = 1e15;
  cfg.risk.max_loss_usd = 1e12;
  cfg.risk.max_drawdown_usd = 1e12;
}
