/** The routing environment's settings: the venue world of the config's venues plus our order flow. */
import { dirname } from 'node:path';
import type { HftConfig } from '../../config/config-types.js';
import { DEFAULT_PRICE, KNOWN_PRICES } from '../../market/sim-market.js';
import { type WorldParams, worldParams } from '../../venues/models/world-params.js';
import { servedLatencyModelPath } from '../latency/latency-model-files.js';
import type { OrderFlowOptions } from './order-flow.js';

/** Where the latency forecasts the routers read come from. */
export const FORECAST_SOURCES = ['ewma', 'none', 'true', 'onnx'] as const;
export type ForecastSource = (typeof FORECAST_SOURCES)[number];

export interface RoutingEnvOptions {
  world: WorldParams;
  symbol: string;
  /** Market time before the first order, so books and forecasts have warmed up, ns. */
  warmupNs: number;
  /** Market time in which orders arrive, ns. */
  episodeNs: number;
  /** At most this many orders per episode. */
  ordersPerEpisode: number;
  flow: Omit<OrderFlowOptions, 'startNs' | 'endNs' | 'maxOrders'>;
  /** Each venue is pinged this often; its round trip feeds the latency forecast. */
  probeIntervalNs: number;
  /** An order unanswered this long is a timeout (risk.ack_timeout_ms), ns. */
  timeoutNs: number;
  forecaster: ForecastSource;
  /** Directory of the ONNX latency model when `forecaster` is onnx. */
  latencyModelDir?: string;
}

/**
 * The stress the routing world adds to the config's venues: an outage per venue every ten
 * minutes on average (a real venue has a few a year), so that held-out episodes meet outages
 * often enough to score what a router does about them (docs/venue-world.md).
 */
export const ROUTING_STRESS = { outagePerHour: 4, outageMeanMs: 1500, outageVolatileX: 25 } as const;

/**
 * The forecaster the daemon serves: the installed ONNX latency model (servedLatencyModelPath:
 * models/latency, $HFT_MODELS_DIR, $HFT_LATENCY_MODEL), else the EWMA.
 */
export function servedForecaster(env: NodeJS.ProcessEnv = process.env): {
  forecaster: ForecastSource;
  latencyModelDir?: string;
} {
  const path = servedLatencyModelPath(env);
  return path === null ? { forecaster: 'ewma' } : { forecaster: 'onnx', latencyModelDir: dirname(path) };
}

/**
 * Environment for the config's venues and first symbol, with the daemon's per-symbol quote rate
 * and the forecaster the daemon serves.
 */
export function envOptionsFromConfig(
  cfg: HftConfig,
  overrides: Partial<RoutingEnvOptions> = {},
): RoutingEnvOptions {
  const symbol = cfg.trading.symbols[0];
  const venues = cfg.market.venues;
  const quoteRate = (cfg.market.rate > 0 ? cfg.market.rate : 5000) / Math.max(1, cfg.trading.symbols.length);
  const world = worldParams(venues, KNOWN_PRICES[symbol] ?? DEFAULT_PRICE, quoteRate, ROUTING_STRESS);
  const leader = Math.min(...world.venues.map((v) => v.requoteMeanNs + v.feedDelayNs));
  return {
    world,
    symbol,
    warmupNs: 1e9,
    episodeNs: 30e9,
    ordersPerEpisode: 600,
    flow: {
      reactProb: 0.8,
      reactDelayNs: leader + 20e3,
      backgroundPerSec: 1,
      qtyMin: 100,
      qtyMax: 500,
      // Orders that follow a move go the way everyone saw: no alpha (docs/venue-world.md).
      reactiveAlpha: false,
    },
    probeIntervalNs: 10e6,
    timeoutNs: cfg.risk.ack_timeout_ms * 1e6,
    ...servedForecaster(),
    ...overrides,
  };
}
