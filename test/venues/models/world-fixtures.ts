/** A small venue world for the model tests: two venues, one leading, one lagging. */
import type { VenueConfig } from '../../../src/config/config-types.js';
import {
  type WorldOverrides,
  type WorldParams,
  worldParams,
} from '../../../src/venues/models/world-params.js';

export function venue(name: string, o: Partial<VenueConfig> = {}): VenueConfig {
  return {
    name,
    fee_bps: 0.2,
    spread_bps: 0.5,
    depth: 400,
    noise_bps: 0,
    lag_ms: 0,
    latency: { base_us: 300, jitter_sigma: 0.1, spike_prob: 0, spike_us: 0 },
    ...o,
  };
}

export function twoVenueWorld(overrides: WorldOverrides = {}, venues?: VenueConfig[]): WorldParams {
  return worldParams(venues ?? [venue('LEAD'), venue('LAG', { lag_ms: 2 })], 190, 1000, overrides);
}
