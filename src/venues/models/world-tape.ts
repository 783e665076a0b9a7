/**
 * One episode of the venue world, recorded up front: every venue's true top of book over time,
 * the efficient price and volatility regime, each venue's order-path state (congested, burst,
 * down) and chase (sweep), and the price moves by everyone else. Our orders' times and sides are
 * part of the episode (they leave whatever the router decides), so the drift of their alpha is on
 * the tape too; the market does not react to where they go (as in hftbacktest), so an order's
 * outcome is read from the tape at the time it reaches the venue, and every router meets the same
 * market. `stateAt` rebuilds the whole world state at any instant for the state oracle.
 */
import { Random } from '../../core/random.js';
import { upperBound } from '../../core/sorted-search.js';
import type { WorldParams } from './world-params.js';
import { type OurOrders, type WorldObserver, WorldSim } from './world-sim.js';
import { createWorldState, type WorldState } from './world-state.js';

/** A column of numbers that grows by doubling. */
class Column {
  data = new Float64Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
}

/** Index of the last entry of the sorted `ts[0..length)` at or before `t`; -1 before the first. */
function lastAtOrBefore(ts: Float64Array, length: number, t: number): number {
  return upperBound(ts, t, length) - 1;
}

export interface VenueBookSeries {
  readonly ts: Column;
  readonly bid: Column;
  readonly ask: Column;
  readonly bidQty: Column;
  readonly askQty: Column;
  readonly behindBid: Column;
  readonly behindAsk: Column;
}

interface PathSeries {
  readonly ts: Column;
  readonly congested: Column;
  readonly burst: Column;
  readonly down: Column;
  readonly sweep: Column;
}

export class WorldTape implements WorldObserver {
  readonly books: VenueBookSeries[];
  private readonly paths: PathSeries[];
  private readonly priceTs = new Column();
  private readonly eff = new Column();
  private readonly vol = new Column();
  private readonly trend = new Column();
  private readonly alphaUp = new Column();
  private readonly alphaDown = new Column();
  /** Price moves by everyone else (time, signed ticks); the drift of our alpha is not among them. */
  readonly moveTs = new Column();
  readonly moveTicks = new Column();
  readonly endNs: number;

  /** Simulates the world of `p` from time 0 to `spanNs` with the episode's `seed` and our `orders`. */
  constructor(
    readonly p: WorldParams,
    seed: number,
    spanNs: number,
    orders: OurOrders | null = null,
  ) {
    const n = p.venues.length;
    const col = () => new Column();
    this.books = Array.from({ length: n }, () => ({
      ts: col(),
      bid: col(),
      ask: col(),
      bidQty: col(),
      askQty: col(),
      behindBid: col(),
      behindAsk: col(),
    }));
    this.paths = Array.from({ length: n }, () => ({
      ts: col(),
      congested: col(),
      burst: col(),
      down: col(),
      sweep: col(),
    }));
    const sim = new WorldSim(p);
    const s = createWorldState(n);
    const rng = new Random(seed);
    sim.initialise(s, rng);
    this.onPrice(s, 0);
    for (let v = 0; v < n; v++) {
      this.onBook(s, v);
      this.onPath(s, v);
    }
    sim.run(s, spanNs, rng, this, orders);
    this.endNs = spanNs;
  }

  get venueCount(): number {
    return this.books.length;
  }

  onBook(s: WorldState, v: number): void {
    const b = this.books[v];
    b.ts.push(s.tNs);
    b.bid.push(s.bid[v]);
    b.ask.push(s.ask[v]);
    b.bidQty.push(s.bidQty[v]);
    b.askQty.push(s.askQty[v]);
    b.behindBid.push(s.behindBid[v]);
    b.behindAsk.push(s.behindAsk[v]);
  }

  onPrice(s: WorldState, moveTicks: number): void {
    this.priceTs.push(s.tNs);
    this.eff.push(s.effTicks);
    this.vol.push(s.volatile);
    this.trend.push(s.trendDir);
    this.alphaUp.push(s.alphaUp);
    this.alphaDown.push(s.alphaDown);
    if (moveTicks !== 0) {
      this.moveTs.push(s.tNs);
      this.moveTicks.push(moveTicks);
    }
  }

  onPath(s: WorldState, v: number): void {
    const q = this.paths[v];
    q.ts.push(s.tNs);
    q.congested.push(s.congested[v]);
    q.burst.push(s.burst[v]);
    q.down.push(s.down[v]);
    q.sweep.push(s.sweep[v]);
  }

  /** Index into `books[v]` of the venue's book as it stands at `tNs`. */
  bookIndexAt(v: number, tNs: number): number {
    const b = this.books[v];
    return Math.max(0, lastAtOrBefore(b.ts.data, b.ts.length, tNs));
  }

  /** Efficient price at `tNs`, ticks. */
  effAt(tNs: number): number {
    return this.eff.data[Math.max(0, lastAtOrBefore(this.priceTs.data, this.priceTs.length, tNs))];
  }

  volatileAt(tNs: number): boolean {
    return this.vol.data[Math.max(0, lastAtOrBefore(this.priceTs.data, this.priceTs.length, tNs))] === 1;
  }

  private pathIndexAt(v: number, tNs: number): number {
    const q = this.paths[v];
    return Math.max(0, lastAtOrBefore(q.ts.data, q.ts.length, tNs));
  }

  congestedAt(v: number, tNs: number): boolean {
    return this.paths[v].congested.data[this.pathIndexAt(v, tNs)] === 1;
  }

  burstAt(v: number, tNs: number): boolean {
    return this.paths[v].burst.data[this.pathIndexAt(v, tNs)] === 1;
  }

  downAt(v: number, tNs: number): boolean {
    return this.paths[v].down.data[this.pathIndexAt(v, tNs)] === 1;
  }

  /** Time spent down by venue `v` over the tape, ns; and how many outages began. */
  pathTotals(v: number): { downNs: number; outages: number; congestedNs: number; congestions: number } {
    const q = this.paths[v];
    const out = { downNs: 0, outages: 0, congestedNs: 0, congestions: 0 };
    for (let i = 0; i < q.ts.length; i++) {
      const until = i + 1 < q.ts.length ? q.ts.data[i + 1] : this.endNs;
      const dt = until - q.ts.data[i];
      if (q.down.data[i]) out.downNs += dt;
      if (q.congested.data[i]) out.congestedNs += dt;
      if (i > 0 && q.down.data[i] && !q.down.data[i - 1]) out.outages++;
      if (i > 0 && q.congested.data[i] && !q.congested.data[i - 1]) out.congestions++;
    }
    return out;
  }

  /** The whole world state at `tNs` (the state oracle's starting point). */
  stateAt(tNs: number, out: WorldState): WorldState {
    const k = Math.max(0, lastAtOrBefore(this.priceTs.data, this.priceTs.length, tNs));
    out.tNs = tNs;
    out.effTicks = this.eff.data[k];
    out.volatile = this.vol.data[k];
    out.trendDir = this.trend.data[k];
    out.alphaUp = this.alphaUp.data[k];
    out.alphaDown = this.alphaDown.data[k];
    for (let v = 0; v < this.venueCount; v++) {
      const b = this.books[v];
      const i = this.bookIndexAt(v, tNs);
      out.bid[v] = b.bid.data[i];
      out.ask[v] = b.ask.data[i];
      out.bidQty[v] = b.bidQty.data[i];
      out.askQty[v] = b.askQty.data[i];
      out.behindBid[v] = b.behindBid.data[i];
      out.behindAsk[v] = b.behindAsk.data[i];
      const j = this.pathIndexAt(v, tNs);
      const q = this.paths[v];
      out.congested[v] = q.congested.data[j];
      out.burst[v] = q.burst.data[j];
      out.down[v] = q.down.data[j];
      out.sweep[v] = q.sweep.data[j];
    }
    return out;
  }
}
