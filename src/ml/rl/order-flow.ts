/**
 * Our order flow in an episode of the venue world. Most of a taker's orders follow the market:
 * when the efficient price moves, the leading venue shows it first and we (like the competing
 * takers) send a marketable order the move's way, racing for the quotes that have not moved yet.
 * The rest arrive at random (Poisson) with a random side. Sizes are uniform in [qtyMin, qtyMax]
 * in steps of 10. Orders after a move are as frequent as moves, so volatile bursts bring many.
 *
 * The flow is told to the world as it is simulated (`OurOrders`): the world reports each move by
 * everyone else, and each of our orders brings the drift of its alpha when it leaves. Our orders
 * react to everyone else's moves only, never to the drift of our own alpha.
 */
import { Random } from '../../core/random.js';
import type { OurOrders } from '../../venues/models/world-sim.js';

export interface OrderFlowOptions {
  /** Probability that a price move triggers one of our orders. */
  reactProb: number;
  /** From the move to our order leaving: the leading venue's requote, its feed, our decision, ns. */
  reactDelayNs: number;
  /** Random orders per second. */
  backgroundPerSec: number;
  /**
   * Whether the orders that follow a move carry alpha too (the random ones always do): their side
   * is the move's, which everyone saw, so their alpha makes everyone's moves predictable.
   */
  reactiveAlpha: boolean;
  qtyMin: number;
  qtyMax: number;
  /** Orders only in [startNs, endNs). */
  startNs: number;
  endNs: number;
  /** At most this many orders (the earliest are kept). */
  maxOrders: number;
}

export interface OrderFlow {
  readonly tsNs: Float64Array;
  readonly side: Int8Array;
  readonly qty: Float64Array;
  /** 1 when the order follows a price move. */
  readonly reactive: Uint8Array;
  readonly length: number;
}

/** A queue of orders due in time order. */
class Due {
  readonly ts: number[] = [];
  readonly side: number[] = [];
  head = 0;
  get nextNs(): number {
    return this.head < this.ts.length ? this.ts[this.head] : Number.POSITIVE_INFINITY;
  }
}

/** The episode's orders as the world meets them; `flow()` lists them once the tape is recorded. */
export class OrderFlowSource implements OurOrders {
  private readonly rng: Random;
  private readonly reactive = new Due();
  private readonly background = new Due();
  private readonly ts: number[] = [];
  private readonly side: number[] = [];
  private readonly isReactive: number[] = [];

  constructor(
    private readonly o: OrderFlowOptions,
    seed: number,
  ) {
    this.rng = new Random((seed ^ 0x68e31da4) >>> 0);
    const rate = 1e9 / o.backgroundPerSec;
    for (let t = o.startNs + this.rng.exponential(rate); t < o.endNs; t += this.rng.exponential(rate)) {
      this.background.ts.push(t);
      this.background.side.push(this.rng.next() < 0.5 ? 1 : -1);
    }
  }

  onMove(tNs: number, moveTicks: number): void {
    const t = tNs + this.o.reactDelayNs;
    if (t < this.o.startNs || t >= this.o.endNs || this.rng.next() >= this.o.reactProb) return;
    this.reactive.ts.push(t);
    this.reactive.side.push(Math.sign(moveTicks));
  }

  nextNs(): number {
    if (this.ts.length >= this.o.maxOrders) return Number.POSITIVE_INFINITY;
    return Math.min(this.reactive.nextNs, this.background.nextNs);
  }

  take(): number {
    const react = this.reactive.nextNs <= this.background.nextNs;
    const q = react ? this.reactive : this.background;
    const side = q.side[q.head];
    this.ts.push(q.ts[q.head]);
    this.side.push(side);
    this.isReactive.push(react ? 1 : 0);
    q.head++;
    return react && !this.o.reactiveAlpha ? 0 : side;
  }

  /** The orders that left, with their sizes. */
  flow(): OrderFlow {
    const n = this.ts.length;
    const o = this.o;
    const steps = Math.floor((o.qtyMax - o.qtyMin) / 10) + 1;
    return {
      tsNs: Float64Array.from(this.ts),
      side: Int8Array.from(this.side),
      qty: Float64Array.from({ length: n }, () => o.qtyMin + 10 * this.rng.int(steps)),
      reactive: Uint8Array.from(this.isReactive),
      length: n,
    };
  }
}
