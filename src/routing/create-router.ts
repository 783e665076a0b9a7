import { FIXED_ROUTERS, type FixedRouterName, type RouterName } from '../config/config-types.js';
import { BestPriceRouter } from './best-price-router.js';
import { LowestLatencyRouter } from './lowest-latency-router.js';
import { RoundRobinRouter } from './round-robin-router.js';
import type { Router } from './router.js';

export function isFixedRouter(name: string): name is FixedRouterName {
  return (FIXED_ROUTERS as readonly string[]).includes(name);
}

export function createRouter(name: RouterName): Router {
  switch (name) {
    case 'best-price':
      return new BestPriceRouter();
    case 'round-robin':
      return new RoundRobinRouter();
    case 'lowest-latency':
      return new LowestLatencyRouter();
    case 'predicted-latency':
      return new LowestLatencyRouter('predicted-latency');
    default:
      throw new Error(`router ${name}: a policy router; build it with createPolicyRouter (src/ml/rl)`);
  }
}
