import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { WorldSim } from '../../../src/venues/models/world-sim.js';
import {
  createWorldState,
  fairAsk,
  fairBid,
  retakeCostTicks,
  type WorldState,
} from '../../../src/venues/models/world-state.js';
import { WorldTape } from '../../../src/venues/models/world-tape.js';
import { twoVenueWorld, venue } from './world-fixtures.js';

describe('WorldTape', () => {
  it('is a function of its seed', () => {
    const p = twoVenueWorld();
    const a = new WorldTape(p, 7, 5e9);
    const b = new WorldTape(p, 7, 5e9);
    const c = new WorldTape(p, 8, 5e9);
    expect(Array.from(a.books[1].ask.data.subarray(0, a.books[1].ask.length))).toEqual(
      Array.from(b.books[1].ask.data.subarray(0, b.books[1].ask.length)),
    );
    expect(a.moveTs.length).not.toBe(c.moveTs.length);
  });

  it('rebuilds the exact world state at any instant (what the state oracle starts from)', () => {
    const p = twoVenueWorld();
    const sim = new WorldSim(p);
    const s = createWorldState(2);
    const rng = new Random(11);
    sim.initialise(s, rng);
    const tape = new WorldTape(p, 11, 3e9);
    sim.run(s, 2e9, rng, null);
    const rebuilt = tape.stateAt(2e9, createWorldState(2));
    const pick = (x: WorldState) => [
      x.effTicks,
      x.volatile,
      ...x.bid,
      ...x.ask,
      ...x.bidQty,
      ...x.askQty,
      ...x.sweep,
    ];
    expect(pick(rebuilt)).toEqual(pick(s));
  });

  it('moves a stale touch within the requote and race times, and never crosses the fair quote for long', () => {
    const p = twoVenueWorld();
    const tape = new WorldTape(p, 3, 20e9);
    const s = createWorldState(2);
    let staleNs = 0;
    const stepNs = 100e3;
    for (let t = 0; t < 20e9; t += stepNs) {
      tape.stateAt(t, s);
      if (s.ask[1] < fairAsk(p, s, 1) || s.bid[1] > fairBid(p, s, 1)) staleNs += stepNs;
    }
    // The lagging venue (2 ms requote) is raced within ~50 us: stale well under 1% of the time.
    expect(staleNs / 20e9).toBeLessThan(0.01);
    expect(tape.moveTs.length).toBeGreaterThan(50);
  });

  it('trends while volatile: moves go the burst way with the configured persistence', () => {
    const p = twoVenueWorld({ volatileEnterPerSec: 1000, volatileExitPerSec: 1e-9, trendPersistence: 0.7 });
    const tape = new WorldTape(p, 5, 60e9);
    const s = createWorldState(2);
    let withTrend = 0;
    let n = 0;
    for (let i = 0; i < tape.moveTs.length; i++) {
      tape.stateAt(tape.moveTs.data[i], s);
      if (!s.volatile) continue;
      n++;
      if (Math.sign(tape.moveTicks.data[i]) === s.trendDir) withTrend++;
    }
    expect(n).toBeGreaterThan(1000);
    expect(withTrend / n).toBeGreaterThan(0.66);
    expect(withTrend / n).toBeLessThan(0.74);
  });

  it('freezes a venue that is down (no book change, no feed) and requotes it on its return', () => {
    const v = venue('FLAKY', {
      latency: {
        base_us: 300,
        jitter_sigma: 0.1,
        spike_prob: 0,
        spike_us: 0,
        outage: { per_hour: 3600, mean_ms: 500 },
      },
    });
    const p = twoVenueWorld({}, [venue('LEAD'), v]);
    const tape = new WorldTape(p, 9, 30e9);
    const b = tape.books[1];
    let changesWhileDown = 0;
    for (let i = 1; i < b.ts.length; i++)
      if (tape.downAt(1, b.ts.data[i] - 1) && tape.downAt(1, b.ts.data[i])) changesWhileDown++;
    expect(tape.pathTotals(1).outages).toBeGreaterThan(5);
    expect(changesWhileDown).toBe(0);
  });

  it('congests more while volatile when volatile_x couples the regimes', () => {
    const latency = {
      base_us: 300,
      jitter_sigma: 0.1,
      spike_prob: 0,
      spike_us: 0,
      regimes: {
        congested_base_us: 1500,
        congested_sigma: 0.3,
        enter_per_s: 0.05,
        exit_per_s: 1,
        volatile_x: 40,
      },
    };
    const p = twoVenueWorld({ volatileEnterPerSec: 0.1, volatileExitPerSec: 0.1 }, [
      venue('A', { latency }),
      venue('B', { latency, lag_ms: 1 }),
    ]);
    const tape = new WorldTape(p, 4, 600e9);
    const time = { calm: 0, calmCong: 0, vol: 0, volCong: 0 };
    for (let t = 0; t < 600e9; t += 10e6) {
      const vol = tape.volatileAt(t);
      const cong = tape.congestedAt(0, t);
      if (vol) {
        time.vol++;
        if (cong) time.volCong++;
      } else {
        time.calm++;
        if (cong) time.calmCong++;
      }
    }
    expect(time.volCong / time.vol).toBeGreaterThan(5 * (time.calmCong / time.calm));
  });
});

describe('retakeCostTicks', () => {
  it('prices a missed buy one tick through the best fair-or-worse touch among the venues up, with its fee', () => {
    const p = twoVenueWorld();
    const s = createWorldState(2);
    s.effTicks = 19000.5;
    s.ask.set([19002, 19001]);
    s.bid.set([18999, 19000]);
    // Venue 1 shows the fair ask 19001: the retry pays 19002 plus 0.2 bp.
    expect(retakeCostTicks(p, s, 1)).toBeCloseTo(19002 * (1 + 0.2 / 1e4), 6);
    s.down[1] = 1;
    expect(retakeCostTicks(p, s, 1)).toBeCloseTo(19003 * (1 + 0.2 / 1e4), 6);
    // A stale (too cheap) ask is no bargain for the retry: it prices at the fair ask.
    s.down[1] = 0;
    s.ask[1] = 18990;
    expect(retakeCostTicks(p, s, 1)).toBeCloseTo(19002 * (1 + 0.2 / 1e4), 6);
  });
});
