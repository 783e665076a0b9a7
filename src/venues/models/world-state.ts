/**
 * Everything the venue world is at one instant: the efficient price, the market's volatility
 * regime and trend, the drift our own orders have yet to bring, and per venue its top of book (prices in ticks) and the hidden state of its
 * order path (congested, spike burst, down). A state can be copied, so the state oracle can run
 * the world forward from the true present without touching the recorded episode.
 */
import type { WorldParams } from './world-params.js';

export interface WorldState {
  tNs: number;
  /** Efficient price, ticks. */
  effTicks: number;
  /** 1 while the market is volatile. */
  volatile: number;
  /** Direction of the current volatile burst, +1 or -1. */
  trendDir: number;
  /**
   * One-tick moves of the efficient price still to come from the alpha of our orders, up and
   * down; each comes at rate 1/orderAlphaTau (world-sim.ts).
   */
  alphaUp: number;
  alphaDown: number;
  readonly bid: Float64Array;
  readonly ask: Float64Array;
  readonly bidQty: Float64Array;
  readonly askQty: Float64Array;
  readonly congested: Uint8Array;
  readonly burst: Uint8Array;
  readonly down: Uint8Array;
  /** Per venue: 1 while its bid (ask) sits a tick behind the best level it could quote. */
  readonly behindBid: Uint8Array;
  readonly behindAsk: Uint8Array;
  /** Per venue: +1 while takers chase an up move through its asks, -1 a down move through its bids, 0 none. */
  readonly sweep: Int8Array;
}

export function createWorldState(venues: number): WorldState {
  return {
    tNs: 0,
    effTicks: 0,
    volatile: 0,
    trendDir: 1,
    alphaUp: 0,
    alphaDown: 0,
    bid: new Float64Array(venues),
    ask: new Float64Array(venues),
    bidQty: new Float64Array(venues),
    askQty: new Float64Array(venues),
    congested: new Uint8Array(venues),
    burst: new Uint8Array(venues),
    down: new Uint8Array(venues),
    sweep: new Int8Array(venues),
    behindBid: new Uint8Array(venues),
    behindAsk: new Uint8Array(venues),
  };
}

export function copyWorldState(from: WorldState, to: WorldState): void {
  to.tNs = from.tNs;
  to.effTicks = from.effTicks;
  to.volatile = from.volatile;
  to.trendDir = from.trendDir;
  to.alphaUp = from.alphaUp;
  to.alphaDown = from.alphaDown;
  to.bid.set(from.bid);
  to.ask.set(from.ask);
  to.bidQty.set(from.bidQty);
  to.askQty.set(from.askQty);
  to.congested.set(from.congested);
  to.burst.set(from.burst);
  to.down.set(from.down);
  to.sweep.set(from.sweep);
  to.behindBid.set(from.behindBid);
  to.behindAsk.set(from.behindAsk);
}

/**
 * Venue `v`'s average spread in ticks in the state's volatility regime (config spread_bps at the
 * symbol's price, wider while volatile). It quotes whole ticks: `extraTicks` each side beyond a
 * one-tick spread always, and a side sits one tick further back with `behindOdds`, so the
 * average comes out right.
 */
function spreadTicks(p: WorldParams, s: WorldState, v: number): number {
  return p.venues[v].spreadTicks * (s.volatile ? p.volatileSpreadX : 1);
}

/** Ticks each side beyond a one-tick spread that venue `v` always quotes. */
export function extraTicks(p: WorldParams, s: WorldState, v: number): number {
  return Math.max(0, Math.floor((spreadTicks(p, s, v) - 1) / 2));
}

/** Odds that a side of venue `v`'s quote sits one tick behind its fair level. */
export function behindOdds(p: WorldParams, s: WorldState, v: number): number {
  const spread = spreadTicks(p, s, v);
  const extra = Math.max(0, Math.floor((spread - 1) / 2));
  return Math.min(1, Math.max(0, (spread - 1 - 2 * extra) / 2));
}

/** The best bid any venue's market makers would quote around the current efficient price, ticks. */
export function fairBid(p: WorldParams, s: WorldState, v: number): number {
  return Math.floor(s.effTicks) - extraTicks(p, s, v);
}

/** The best ask any venue's market makers would quote around the current efficient price, ticks. */
export function fairAsk(p: WorldParams, s: WorldState, v: number): number {
  return Math.floor(s.effTicks) + 1 + extraTicks(p, s, v);
}

/** The bid venue `v`'s market makers quote now (a tick behind the fair bid while `behindBid`). */
export function freshBid(p: WorldParams, s: WorldState, v: number): number {
  return fairBid(p, s, v) - s.behindBid[v];
}

/** The ask venue `v`'s market makers quote now. */
export function freshAsk(p: WorldParams, s: WorldState, v: number): number {
  return fairAsk(p, s, v) + s.behindAsk[v];
}

/**
 * What a missed share costs once the answer is back: the new price plus spread. The best price
 * among the venues that are up, each at its touch as it stands (a chase may have eaten into it)
 * but never better than a fair quote now (a stale quote is no bargain for a retry: it is raced
 * away), one tick through it (the retry takes the level behind: the liquidity it came for is
 * gone), plus that venue's fee; as side x price + fee in ticks (+1 buy pays up, -1 sell
 * receives less).
 */
export function retakeCostTicks(p: WorldParams, s: WorldState, side: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let v = 0; v < p.venues.length; v++) {
    if (s.down[v]) continue;
    const touch =
      side > 0 ? Math.max(s.ask[v], fairAsk(p, s, v)) + 1 : Math.min(s.bid[v], fairBid(p, s, v)) - 1;
    const cost = side * touch + (touch * p.venues[v].feeBps) / 1e4;
    if (cost < best) best = cost;
  }
  return Number.isFinite(best) ? best : side * s.effTicks + 1;
}
