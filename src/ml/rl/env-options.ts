/** The routing environment's settings: the configured venues plus the episode's order flow. */
import type { HftConfig, VenueConfig } from '../../config/config-types.js';
import type { FillCosts } from './ioc-fill.js';

export interface RoutingEnvOptions {
  venues: readonly VenueConfig[];
  symbol: string;
  /** Quote updates per second across the venues for the episode's one symbol. */
  quoteRatePerSec: number;
  /** Our order arrivals (Poisson), orders/s: above a loaded venue's reference rate when concentrated. */
  ordersPerSec: number;
  ordersPerEpisode: number;
  /** Order sizes, shares, uniform in [min, max] in steps of 10. */
  qtyMin: number;
  qtyMax: number;
  /** Each venue is pinged this often; its round trip feeds the latency forecast. */
  probeIntervalNs: number;
  /** Quotes before the first order, so books and forecasts have warmed up. */
  warmupNs: number;
  costs: FillCosts;
}

export const DEFAULT_FILL_COSTS: FillCosts = {
  missPenaltyBps: 1,
  timeoutPenaltyBps: 5,
  timeoutNs: 1000e6,
};

/** Environment for the config's venues, with the per-venue quote rate the daemon's market has. */
export function envOptionsFromConfig(
  cfg: HftConfig,
  overrides: Partial<RoutingEnvOptions> = {},
): RoutingEnvOptions {
  return {
    venues: cfg.market.venues,
    symbol: cfg.trading.symbols[0],
    quoteRatePerSec: cfg.market.rate / Math.max(1, cfg.trading.symbols.length),
    ordersPerSec: 80,
    ordersPerEpisode: 300,
    qtyMin: 50,
    qtyMax: 600,
    probeIntervalNs: 10e6,
    warmupNs: 200e6,
    costs: { ...DEFAULT_FILL_COSTS, timeoutNs: cfg.risk.ack_timeout_ms * 1e6 },
    ...overrides,
  };
}
