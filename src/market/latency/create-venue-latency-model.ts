/**
 * Builds a venue's latency stack from its config (config/*.yaml market.venues[].latency):
 *
 *   base      log-normal(base_us, jitter_sigma), or a normal/congested regime switcher when
 *             `regimes` is set (normal = base_us, jitter_sigma)
 *   load      x (order rate / ref_orders_per_s)^slope above the reference rate   (`load`)
 *   spikes    + spike_us x U[0.5, 1.5] with spike_prob, more often during `bursts`
 *   outage    OUTAGE_ROUND_TRIP_NS while the venue is down                         (`outage`)
 *
 * Without the optional sub-objects it samples exactly like LogNormalSpikeLatency, draw for draw.
 * Time-driven processes (regimes, bursts, outages) get generators of their own seeded from
 * `seed`, so the venue's timeline does not depend on how many orders a router sends it.
 */

import type { VenueLatencyConfig } from '../../config/config-types.js';
import { Random } from '../../core/random.js';
import { CompositeLatency, type LatencyWrapper } from './composite-latency.js';
import { LoadDependentLatency } from './load-dependent-latency.js';
import { LogNormalLatency } from './lognormal-latency.js';
import { OutageLatency } from './outage-latency.js';
import { RegimeSwitchingLatency } from './regime-switching-latency.js';
import { SpikeLatency } from './spike-latency.js';
import type { VenueLatencyModel } from './venue-latency-model.js';

/** Order-rate window when `load.window_ms` is not given. */
const DEFAULT_LOAD_WINDOW_MS = 1000;

/** A distinct, reproducible stream per process (golden-ratio increments decorrelate mulberry32 seeds). */
function stream(seed: number, k: number): Random {
  return new Random((seed + Math.imul(k, 0x9e3779b9)) >>> 0);
}

export function createVenueLatencyModel(cfg: VenueLatencyConfig, seed = 1): CompositeLatency {
  const baseNs = cfg.base_us * 1e3;
  const r = cfg.regimes;
  const base: VenueLatencyModel = r
    ? new RegimeSwitchingLatency(
        {
          normalMedianNs: baseNs,
          normalSigma: cfg.jitter_sigma,
          congestedMedianNs: r.congested_base_us * 1e3,
          congestedSigma: r.congested_sigma,
          enterPerSec: r.enter_per_s,
          exitPerSec: r.exit_per_s,
        },
        stream(seed, 1),
      )
    : new LogNormalLatency(baseNs, cfg.jitter_sigma);

  const wrappers: LatencyWrapper[] = [];
  const load = cfg.load;
  if (load) {
    const windowNs = (load.window_ms ?? DEFAULT_LOAD_WINDOW_MS) * 1e6;
    wrappers.push(
      (inner) =>
        new LoadDependentLatency(inner, {
          refOrdersPerSec: load.ref_orders_per_s,
          slope: load.slope,
          windowNs,
        }),
    );
  }
  const b = cfg.bursts;
  wrappers.push(
    (inner) =>
      new SpikeLatency(inner, {
        prob: cfg.spike_prob,
        spikeNs: cfg.spike_us * 1e3,
        bursts: b && {
          perSec: b.per_min / 60,
          meanNs: b.mean_ms * 1e6,
          prob: b.spike_prob,
          rng: stream(seed, 2),
        },
      }),
  );
  const outage = cfg.outage;
  if (outage) {
    wrappers.push(
      (inner) =>
        new OutageLatency(inner, { perHour: outage.per_hour, meanNs: outage.mean_ms * 1e6 }, stream(seed, 3)),
    );
  }
  return new CompositeLatency(base, wrappers);
}
