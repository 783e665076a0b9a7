import type { RouterName } from '../main/config-types.js';
import { BestPriceRouter } from './best-price-router.js';
import { LowestLatencyRouter } from './lowest-latency-router.js';
import { RoundRobinRouter } from './round-robin-router.js';
import type { Router } from './router.js';

/** Routers available in this build; the learned ones arrive with their trained models. */
export const AVAILABLE_ROUTERS: readonly RouterName[] = ['best-price', 'round-robin', 'lowest-latency'];

export function createRouter(name: RouterName): Router {
  switch (name) {
    case 'best-price':
      return new BestPriceRouter();
    case 'round-robin':
      return new RoundRobinRouter();
    case 'lowest-latency':
      return new LowestLatencyRouter();
    default:
      throw new Error(`router ${name}: not available yet (available: ${AVAILABLE_ROUTERS.join(', ')})`);
  }
}
