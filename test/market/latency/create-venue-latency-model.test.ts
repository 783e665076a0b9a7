import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { Random } from '../../../src/core/random.js';
import { createVenueLatencyModel } from '../../../src/market/latency/create-venue-latency-model.js';
import { LoadDependentLatency } from '../../../src/market/latency/load-dependent-latency.js';
import { OutageLatency } from '../../../src/market/latency/outage-latency.js';
import { RegimeSwitchingLatency } from '../../../src/market/latency/regime-switching-latency.js';
import { SpikeLatency } from '../../../src/market/latency/spike-latency.js';
import { median, quantile } from './trace-stats.js';

const configDir = resolve(import.meta.dirname, '../../../config');
const RUN_NS = 60e9;
const ORDERS_PER_SEC = 40; // per venue: below BATS-SIM's load reference, so its regimes show alone

describe('createVenueLatencyModel', () => {
  it('stacks only the configured parts', () => {
    const m = createVenueLatencyModel({
      base_us: 100,
      jitter_sigma: 0.1,
      spike_prob: 0,
      spike_us: 0,
      load: { ref_orders_per_s: 10, slope: 1 },
      outage: { per_hour: 1, mean_ms: 1000 },
    });
    expect(m.part(LoadDependentLatency)).toBeInstanceOf(LoadDependentLatency);
    expect(m.part(OutageLatency)).toBeInstanceOf(OutageLatency);
    expect(m.part(SpikeLatency)).toBeInstanceOf(SpikeLatency);
    expect(m.part(RegimeSwitchingLatency)).toBeUndefined();
  });
});

describe('acceptance: the default venues of config/fast.yaml', () => {
  const cfg = resolveConfig({ mode: 'fast' }, {}, { configDir, cwd: '/' });
  const traces = cfg.market.venues.map((v, i) => {
    const model = createVenueLatencyModel(v.latency, (cfg.market.seed ^ 0x1a7e) + i);
    const rng = new Random(cfg.market.seed + i);
    const atNs: number[] = [];
    const ns: number[] = [];
    const regime = model.part(RegimeSwitchingLatency);
    /** 1 when the sample met a congested spell (read as it is drawn: the chain never goes back). */
    const congested: number[] = [];
    for (let t = 0; t < RUN_NS; t += rng.exponential(1e9 / ORDERS_PER_SEC)) {
      atNs.push(t);
      ns.push(model.sampleRoundTripNs(t, rng));
      congested.push(regime?.regimeAt(t) ?? 0);
    }
    const p50 = median(ns);
    const p99 = quantile(ns, 0.99);
    // Outside congested spells (every venue has them now, coupled to volatility in the venue world).
    const normal = ns.filter((_, k) => congested[k] === 0);
    const normalTailRatio = quantile(normal, 0.99) / median(normal);
    return { name: v.name, model, atNs, ns, p50, p99, tailRatio: p99 / p50, normalTailRatio };
  });

  it('has at least one venue whose p99 is >= 3x its p50, and one that is steady outside congestion', () => {
    for (const t of traces) {
      console.info(
        `${t.name}: p50 ${(t.p50 / 1e3).toFixed(0)} us, p99 ${(t.p99 / 1e3).toFixed(0)} us, p99/p50 ${t.tailRatio.toFixed(2)}`,
      );
    }
    expect(Math.max(...traces.map((t) => t.tailRatio))).toBeGreaterThanOrEqual(3);
    expect(Math.min(...traces.map((t) => t.normalTailRatio))).toBeLessThan(1.5);
  });

  it('changes regime within a 60 s run, visibly in the trace', () => {
    const switching = traces.filter((t) => t.model.part(RegimeSwitchingLatency) !== undefined);
    expect(switching.length).toBeGreaterThan(0);
    for (const t of switching) {
      expect(t.model.part(RegimeSwitchingLatency)!.congestions).toBeGreaterThan(0);
      // Medians over 500 ms windows: congested windows sit well above the calm ones.
      const windows: number[] = [];
      for (let w = 0; w < RUN_NS; w += 500e6) {
        const inWindow = t.ns.filter((_, i) => t.atNs[i] >= w && t.atNs[i] < w + 500e6);
        if (inWindow.length >= 5) windows.push(median(inWindow));
      }
      expect(Math.max(...windows) / Math.min(...windows)).toBeGreaterThan(2.5);
    }
  });

  it('ranks the venues differently by median and by tail (something for a router to exploit)', () => {
    const byMedian = [...traces].sort((a, b) => a.p50 - b.p50).map((t) => t.name);
    const byTail = [...traces].sort((a, b) => a.p99 - b.p99).map((t) => t.name);
    expect(byMedian[0]).toBe('NYSE-SIM');
    expect(byTail[0]).not.toBe('NYSE-SIM');
  });
});
