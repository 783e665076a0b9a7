/** The fast-mode config and a short-episode routing environment for the RL tests. */
import { resolve } from 'node:path';
import type { HftConfig } from '../../../src/config/config-types.js';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { envOptionsFromConfig, type RoutingEnvOptions } from '../../../src/ml/rl/env-options.js';

export const ROOT = resolve(import.meta.dirname, '../../..');

export function fastConfig(): HftConfig {
  return resolveConfig({ mode: 'fast' }, {}, { configDir: resolve(ROOT, 'config'), cwd: ROOT });
}

export function shortEnv(orders = 120): RoutingEnvOptions {
  return envOptionsFromConfig(fastConfig(), { ordersPerEpisode: orders });
}
