import { FIXED_ROUTERS, type FixedRouterName, type RouterName } from '../config/config-types.js';
import { BestPriceRouter } from './best-price-router.js';
import { DEFAULT_LATENCY_ADJUSTED, LatencyAdjustedRouter } from './latency-adjusted-router.js';
import { LowestLatencyRouter } from './lowest-latency-router.js';
import { RoundRobinRouter } from './round-robin-router.js';
import type { Router } from './router.js';

export function isFixedRouter(name: string): name is FixedRouterName {
  return (FIXED_ROUTERS as readonly string[]).includes(name);
}

/** `ackTimeoutNs`: risk.ack_timeout_ms (the latency-adjusted router prices the odds of reaching it). */
export function createRouter(name: RouterName, ackTimeoutNs = 1e9): Router {
  switch (name) {
    case 'best-price':
      return new BestPriceRouter();
    case 'round-robin':
      return new RoundRobinRouter();
    case 'lowest-latency':
      return new LowestLatencyRouter();
    case 'predicted-latency':
      return new LowestLatencyRouter('predicted-latency');
    case 'latency-adjusted':
      return new LatencyAdjustedRouter({ ...DEFAULT_LATENCY_ADJUSTED, timeoutNs: ackTimeoutNs });
    default:
      throw new Error(
        `router ${name}: a policy router; it routes from the routing table its policy fills (table-policy-router.ts)`,
      );
  }
}
