import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { VenueConfig } from '../../src/config/config-types.js';
import { Registry } from '../../src/core/registry.js';
import { SimMarket, type SimMarketOptions } from '../../src/market/sim-market.js';
import { TickCodec, TickFlag, TickLayout } from '../../src/shm/records.js';
import { venue } from '../fixtures.js';

function market(venues: VenueConfig[], opts: SimMarketOptions, symbols = ['AAPL', 'MSFT']) {
  const registry = new Registry({ symbols, venues: venues.map((v) => v.name) });
  return new SimMarket(registry, venues, opts);
}

const lagged = (name: string, lagMs: number, noiseBps = 0.5): VenueConfig => ({
  ...venue(name),
  noise_bps: noiseBps,
  lag_ms: lagMs,
});

/** SHA-256 over every field of every tick polled at `pollTimesNs`. */
function streamHash(sim: SimMarket, pollTimesNs: readonly number[]): { hash: string; n: number } {
  const hash = createHash('sha256');
  const tick = TickCodec.create();
  const buf = new Float64Array(TickLayout.fields.length);
  let n = 0;
  for (const t of pollTimesNs) {
    while (sim.poll(t, tick)) {
      TickLayout.fields.forEach((f, i) => {
        buf[i] = tick[f.name as keyof typeof tick] as number;
      });
      hash.update(new Uint8Array(buf.buffer));
      n++;
    }
  }
  return { hash: hash.digest('hex'), n };
}

describe('SimMarket', () => {
  const venues = [lagged('A', 0), lagged('B', 2), lagged('C', 5)];

  it('is deterministic: same seed and poll times give the same tick stream', () => {
    const polls = Array.from({ length: 20_000 }, (_, i) => 1e9 + i * 100_000);
    const a = streamHash(market(venues, { ratePerSec: 20_000, seed: 3, startNs: 1e9 }), polls);
    const b = streamHash(market(venues, { ratePerSec: 20_000, seed: 3, startNs: 1e9 }), polls);
    const c = streamHash(market(venues, { ratePerSec: 20_000, seed: 4, startNs: 1e9 }), polls);
    expect(a.n).toBeGreaterThan(30_000);
    expect(b).toEqual(a);
    expect(c.hash).not.toBe(a.hash);
    // Paced ticks carry their own times: polling less often yields the very same stream.
    const coarse = polls.filter((_, i) => i % 10 === 9);
    expect(streamHash(market(venues, { ratePerSec: 20_000, seed: 3, startNs: 1e9 }), coarse)).toEqual(a);
  });

  it('emits Poisson arrivals whose long-run rate is the configured one (within 5%)', () => {
    const sim = market(venues, { ratePerSec: 10_000, seed: 5, startNs: 0 });
    const tick = TickCodec.create();
    let n = 0;
    let prev = 0;
    let gapSq = 0;
    for (let t = 0; t <= 100e9; t += 1e6) {
      while (sim.poll(t, tick)) {
        const gap = tick.exchTsNs - prev;
        if (n > 0) gapSq += gap * gap;
        prev = tick.exchTsNs;
        n++;
      }
    }
    expect(n / 100 / 10_000).toBeGreaterThan(0.95);
    expect(n / 100 / 10_000).toBeLessThan(1.05);
    // Exponential gaps: E[gap^2] = 2 mean^2 (evenly spaced ticks would give mean^2).
    expect(gapSq / (n - 1) / (1e5 * 1e5)).toBeGreaterThan(1.8);
  });

  it('gives one tick per poll at rate 0', () => {
    const sim = market(venues, { ratePerSec: 0, seed: 1 });
    const tick = TickCodec.create();
    for (let i = 1; i <= 100; i++) {
      expect(sim.poll(i * 1000, tick)).toBe(true);
      expect(tick.exchTsNs).toBe(i * 1000);
    }
  });

  it('keeps quotes sane: bid < ask, positive prices, trades at the touch', () => {
    // A violent market: high volatility, frequent jumps, long volatile stretches.
    const sim = market(venues, {
      ratePerSec: 50_000,
      seed: 6,
      startNs: 0,
      volPerSqrtSec: 0.05,
      jumpsPerSec: 5,
      volatileEnterPerSec: 1,
      volatileExitPerSec: 1,
    });
    const tick = TickCodec.create();
    let trades = 0;
    let n = 0;
    let bad = 0;
    for (let t = 0; t <= 20e9; t += 1e6) {
      while (sim.poll(t, tick)) {
        n++;
        if (!(tick.bidPx > 0 && tick.bidPx < tick.askPx && tick.bidQty >= 0 && tick.askQty >= 0)) bad++;
        if ((tick.flags & TickFlag.quote) === 0) bad++;
        if (tick.flags & TickFlag.trade) {
          trades++;
          if (!(tick.lastQty > 0 && (tick.lastPx === tick.bidPx || tick.lastPx === tick.askPx))) bad++;
        }
      }
    }
    expect(bad).toBe(0);
    expect(trades / n).toBeGreaterThan(0.08);
    expect(trades / n).toBeLessThan(0.12);
  });

  it('switches between calm and volatile regimes, with larger moves while volatile', () => {
    const sim = market([venue('A')], { ratePerSec: 2000, seed: 8, startNs: 0, volatileFactor: 4 }, ['AAPL']);
    const tick = TickCodec.create();
    const sq = [0, 0];
    const count = [0, 0];
    let prevMid = Number.NaN;
    for (let t = 0; t <= 600e9; t += 10e6) {
      while (sim.poll(t, tick)) {}
      const mid = sim.efficientPrice(0);
      if (!Number.isNaN(prevMid)) {
        const r = Math.log(mid / prevMid);
        const k = sim.volatile ? 1 : 0;
        sq[k] += r * r;
        count[k]++;
      }
      prevMid = mid;
    }
    expect(sim.volatileStretches).toBeGreaterThan(3); // ~8 expected in 10 minutes
    expect(count[0]).toBeGreaterThan(1000);
    expect(count[1]).toBeGreaterThan(1000);
    const volRatio = Math.sqrt(sq[1] / count[1] / (sq[0] / count[0]));
    expect(volRatio).toBeGreaterThan(2.5);
  });

  it("shows each venue's lead/lag: mids differ and cross-correlation peaks at the configured lag", () => {
    const vs = [lagged('LEAD', 0, 0), lagged('LAG', 5, 0)];
    const sim = market(vs, { ratePerSec: 200_000, seed: 9, startNs: 0, volPerSqrtSec: 0.05 }, ['XYZ']);
    const tick = TickCodec.create();
    const stepNs = 500e3;
    const steps = 20_000; // 10 s on a 0.5 ms grid
    const mids = [new Float64Array(steps), new Float64Array(steps)];
    const last = [100, 100];
    let differ = 0;
    for (let i = 0; i < steps; i++) {
      while (sim.poll(i * stepNs, tick)) last[tick.venueId] = (tick.bidPx + tick.askPx) / 2;
      mids[0][i] = last[0];
      mids[1][i] = last[1];
      if (Math.abs(last[0] - last[1]) > 0.01) differ++;
    }
    expect(differ).toBeGreaterThan(steps / 4);
    const ret = mids.map((m) => Float64Array.from({ length: steps - 1 }, (_, i) => m[i + 1] - m[i]));
    let bestLag = -1;
    let best = Number.NEGATIVE_INFINITY;
    for (let k = 0; k <= 20; k++) {
      let c = 0;
      for (let i = 100; i + k < ret[0].length; i++) c += ret[0][i] * ret[1][i + k];
      if (c > best) {
        best = c;
        bestLag = k;
      }
    }
    expect(bestLag * 0.5).toBeGreaterThanOrEqual(4.5);
    expect(bestLag * 0.5).toBeLessThanOrEqual(5.5);
  });
});
