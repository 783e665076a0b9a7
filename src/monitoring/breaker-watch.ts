/**
 * Main-thread view of the circuit breakers: logs each trip and reset once, with context, and
 * answers /health and metrics. Workers trip breakers in shared memory; nothing here is on the
 * hot path.
 */

import type { Logger } from '../core/logger.js';
import type { Registry } from '../core/registry.js';
import {
  BREAKERS_LIST,
  Breaker,
  type ControlBlock,
  TRADING_STATE_NAMES,
  VenueFlag,
} from '../run-state/control-block.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';

export interface BreakerStatus {
  trading_state: (typeof TRADING_STATE_NAMES)[number];
  breakers: Record<string, boolean>;
  venues: Record<string, { latency_spike: boolean; outage: boolean }>;
}

export class BreakerWatch {
  private lastBits = 0;
  private readonly lastVenue: number[];

  constructor(
    private readonly control: ControlBlock,
    private readonly registry: Registry,
    private readonly metrics: PipelineMetrics,
    private readonly log: Logger,
  ) {
    this.lastVenue = registry.venues.map(() => 0);
  }

  status(): BreakerStatus {
    const bits = this.control.breakerBits;
    return {
      trading_state: TRADING_STATE_NAMES[this.control.tradingState],
      breakers: Object.fromEntries(BREAKERS_LIST.map((b) => [b.name, (bits & b.bit) !== 0])),
      venues: Object.fromEntries(
        this.registry.venues.map((name, v) => {
          const f = this.control.venueFlags(v);
          return [
            name,
            { latency_spike: (f & VenueFlag.latencySpike) !== 0, outage: (f & VenueFlag.outage) !== 0 },
          ];
        }),
      ),
    };
  }

  /** Logs what changed since the last call (called every 100 ms). */
  poll(): void {
    const bits = this.control.breakerBits;
    const c = (n: string) => this.metrics.counters.byName(n);
    const context = () => ({
      trading_state: TRADING_STATE_NAMES[this.control.tradingState],
      pnl_total: c('pnl_realized') + c('pnl_unrealized') - c('pnl_fees'),
      open_orders: c('open_orders'),
      orders_dropped: c('orders_dropped'),
    });
    for (const b of BREAKERS_LIST) {
      const was = (this.lastBits & b.bit) !== 0;
      const is = (bits & b.bit) !== 0;
      // The shutdown halt is the orderly end of a run, not a fault (daemon-run logs it at info).
      if (is && !was && b !== Breaker.shutdown)
        this.log.warn({ breaker: b.name, ...context() }, `circuit breaker tripped: ${b.name}`);
      if (!is && was) this.log.info({ breaker: b.name, ...context() }, `circuit breaker reset: ${b.name}`);
    }
    this.lastBits = bits;
    this.registry.venues.forEach((venue, v) => {
      const f = this.control.venueFlags(v);
      if (f !== this.lastVenue[v]) {
        const state = {
          latency_spike: (f & VenueFlag.latencySpike) !== 0,
          outage: (f & VenueFlag.outage) !== 0,
        };
        if (f !== 0) this.log.warn({ venue, ...state }, `venue breaker open: routing away from ${venue}`);
        else this.log.info({ venue }, `venue breaker closed: ${venue} is routable again`);
        this.lastVenue[v] = f;
      }
    });
  }
}
