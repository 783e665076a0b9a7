import { describe, expect, it } from 'vitest';
import type { VenueLatencyConfig } from '../../../../src/config/config-types.js';
import { Random } from '../../../../src/core/random.js';
import {
  ABIDES_VENUES,
  abidesQuantileNs,
  abidesSeries,
} from '../../../../src/ml/latency/abides-latency-process.js';
import { AbidesRegimeProcess } from '../../../../src/ml/latency/causal-filter/abides-regime-process.js';
import { CausalRegimeFilter } from '../../../../src/ml/latency/causal-filter/causal-regime-filter.js';
import { VenueRegimeProcess } from '../../../../src/ml/latency/causal-filter/venue-regime-process.js';
import { QUANTILES } from '../../../../src/ml/latency/latency-dataset.js';
import { DEFAULT_ORDER_FLOW, simulateVenueSeries } from '../../../../src/ml/latency/sim-latency-samples.js';
import { testVenues } from '../latency-test-data.js';

const Z = [0, 1.2815515655446004, 2.3263478740408408];
const PLAIN: VenueLatencyConfig = { base_us: 400, jitter_sigma: 0.2, spike_prob: 0, spike_us: 0 };
const CONGESTING: VenueLatencyConfig = {
  ...PLAIN,
  regimes: { congested_base_us: 2000, congested_sigma: 0.4, enter_per_s: 0.05, exit_per_s: 0.5 },
};

function forecast(f: CausalRegimeFilter): Float64Array {
  const out = new Float64Array(3);
  f.forecast(QUANTILES, out, 0);
  return out;
}

describe('causal regime filter, known answers', () => {
  it("one regime, no spikes: its quantiles are the log-normal emission law's, whatever it saw", () => {
    const f = new CausalRegimeFilter(new VenueRegimeProcess(PLAIN));
    const rng = new Random(5);
    for (let i = 0; i < 200; i++) f.observe(i * 1e7, rng.logNormal(400e3, 0.2));
    const q = forecast(f);
    for (let k = 0; k < 3; k++) expect(q[k] / (400e3 * Math.exp(0.2 * Z[k]))).toBeCloseTo(1, 4);
  });

  it('a long run of congested samples puts the posterior on congestion, normal ones take it back', () => {
    const f = new CausalRegimeFilter(new VenueRegimeProcess(CONGESTING));
    let t = 1e9;
    const feed = (latencyNs: number) => {
      for (let i = 0; i < 30; i++) {
        t += 5e6;
        f.observe(t, latencyNs);
      }
    };
    feed(400e3);
    expect(f.posterior[0] + f.posterior[1]).toBeGreaterThan(0.999); // regime normal (either burst state)
    expect(forecast(f)[0]).toBeCloseTo(400e3, -3);
    feed(2000e3);
    expect(f.posterior[2] + f.posterior[3]).toBeGreaterThan(0.999);
    // Congested: the forecast is the congested law, give or take the chance of leaving in 2 ms.
    expect(forecast(f)[0] / 2000e3).toBeCloseTo(1, 2);
    feed(400e3);
    expect(f.posterior[0] + f.posterior[1]).toBeGreaterThan(0.999);
  });

  it('with the true parameters its p90 covers 90% of the next samples on a configured venue', () => {
    const venue = testVenues()[0]; // NYSE-SIM: regimes, bursts, spikes
    const s = simulateVenueSeries(venue, 4242, { ...DEFAULT_ORDER_FLOW, durationS: 60 });
    const f = new CausalRegimeFilter(new VenueRegimeProcess(venue.latency));
    let under = 0;
    const q = new Float64Array(3);
    for (let i = 0; i < s.tsNs.length - 1; i++) {
      f.observe(s.tsNs[i], s.latencyNs[i]);
      f.forecast(QUANTILES, q, 0);
      if (s.latencyNs[i + 1] <= q[1]) under++;
    }
    expect(under / (s.tsNs.length - 1)).toBeGreaterThan(0.89);
    expect(under / (s.tsNs.length - 1)).toBeLessThan(0.91);
  });

  it('on the ABIDES-style process it tracks the true regime and forecasts its law', () => {
    const venue = ABIDES_VENUES[1];
    const regimes = new Int8Array(20_000);
    const s = abidesSeries(venue, regimes.length, 9, regimes);
    const f = new CausalRegimeFilter(new AbidesRegimeProcess(venue));
    let right = 0;
    for (let i = 0; i < s.tsNs.length; i++) {
      f.observe(s.tsNs[i], s.latencyNs[i]);
      const post = f.posterior;
      const mode = post.indexOf(Math.max(...post));
      if (mode === regimes[i]) right++;
    }
    expect(right / regimes.length).toBeGreaterThan(0.9);
    // Deep in a calm stretch the forecast is (nearly) the calm law's quantiles.
    const calm = new CausalRegimeFilter(new AbidesRegimeProcess(venue));
    for (let i = 0; i < 50; i++) calm.observe(i * 5e6, abidesQuantileNs(venue, 0, 0.3));
    const q = forecast(calm);
    expect(q[0] / abidesQuantileNs(venue, 0, 0.5)).toBeCloseTo(1, 1);
  });
});
