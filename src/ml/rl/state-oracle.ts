/**
 * The state oracle: a router that knows the true state of the world when the order leaves (the
 * efficient price, every venue's true book, each venue's hidden latency regime, spike burst and
 * outage) but none of the future's draws. For every venue it runs the venue world forward from a
 * copy of that state `samples` times, each with a round trip drawn from the venue's true latency
 * law, matches the order on arrival and prices the missed shares when the answer is back, and
 * picks the venue with the best mean. No causal router can know more, so the gap between best
 * price and this oracle is what latency-aware routing could at most recover.
 */
import { Random } from '../../core/random.js';
import { createIocFill, executionBpsShares, matchIoc } from '../../venues/models/ioc-match.js';
import { ENTRY_SHARE } from '../../venues/models/order-latency.js';
import { WorldSim } from '../../venues/models/world-sim.js';
import {
  copyWorldState,
  createWorldState,
  retakeCostTicks,
  type WorldState,
} from '../../venues/models/world-state.js';
import type { EnvPolicy } from './episode.js';
import type { RoutingEnv } from './routing-env.js';
import { venueWeights } from './split-actions.js';

export class StateOracle implements EnvPolicy {
  private readonly rng = new Random(1);
  private decisions = 0;
  private sim: WorldSim | null = null;
  private now: WorldState | null = null;
  private run: WorldState | null = null;
  private readonly fill = createIocFill();

  constructor(
    private readonly samples = 64,
    private readonly seed = 0x0c0ffee,
  ) {}

  act(_obs: Float32Array, env: RoutingEnv, weights: Float64Array): number {
    const v = this.choose(env);
    venueWeights(v, weights);
    return v;
  }

  /** The venue with the best expected execution quality given the true state now. */
  choose(env: RoutingEnv): number {
    const tape = env.tape;
    if (this.sim?.p !== tape.p) {
      this.sim = new WorldSim(tape.p);
      this.now = createWorldState(env.venueCount);
      this.run = createWorldState(env.venueCount);
    }
    const t0 = env.nowNs;
    const now = tape.stateAt(t0, this.now as WorldState);
    this.decisions++;
    let best = -1;
    let bestBps = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < env.venueCount; v++) {
      if (!env.quotes(v) || now.down[v]) continue;
      const bps = this.expectedBps(env, now, v);
      if (bps > bestBps) {
        bestBps = bps;
        best = v;
      }
    }
    return best >= 0 ? best : firstQuoting(env);
  }

  private expectedBps(env: RoutingEnv, now: WorldState, v: number): number {
    const sim = this.sim as WorldSim;
    const s = this.run as WorldState;
    const p = sim.p;
    const { side, qty } = env.currentIntent;
    const t0 = now.tNs;
    const limitTicks = Math.round(env.limitPx(v) / p.tickPx);
    const mid0 = env.currentIntent.arrivalMid / p.tickPx;
    const load = env.load.factor(v, t0, 1);
    let sum = 0;
    for (let k = 0; k < this.samples; k++) {
      // Sample k draws the same numbers for every venue (common random numbers): the venues'
      // estimates differ by their states, not by the luck of their draws.
      this.rng.reseed((this.seed + Math.imul(this.decisions, 0x9e3779b9) + Math.imul(k, 0x85ebca6b)) >>> 0);
      copyWorldState(now, s);
      const rt =
        env.latency.sampleRoundTripNs(v, now.congested[v] === 1, now.burst[v] === 1, this.rng) * load;
      const timeoutNs = env.opts.timeoutNs;
      this.fill.filledQty = 0;
      this.fill.fillTicks = 0;
      if (rt <= timeoutNs) sim.run(s, t0 + rt * ENTRY_SHARE, this.rng, null);
      if (rt <= timeoutNs && !s.down[v]) {
        const touch = side > 0 ? s.ask[v] : s.bid[v];
        const shown = side > 0 ? s.askQty[v] : s.bidQty[v];
        matchIoc(side, qty, limitTicks, touch, shown, 0, this.fill);
        sim.run(s, t0 + rt, this.rng, null);
      } else sim.run(s, t0 + timeoutNs, this.rng, null);
      sum += executionBpsShares(side, qty, this.fill, env.feeBps[v], retakeCostTicks(p, s, side), mid0);
    }
    return sum / this.samples / qty;
  }
}

function firstQuoting(env: RoutingEnv): number {
  for (let v = 0; v < env.venueCount; v++) if (env.quotes(v)) return v;
  return 0;
}

/** The hindsight oracle: the venue that served this very order best (it knows the round trips to come); a loose bound only. */
export const hindsightOracle: EnvPolicy = {
  act(_obs, env, weights) {
    const v = env.hindsightVenue();
    venueWeights(v, weights);
    return v;
  },
};
