/**
 * Our order flow in an episode of the venue world. Most of a taker's orders follow the market:
 * when the efficient price moves, the leading venue shows it first and we (like the competing
 * takers) send a marketable order the move's way, racing for the quotes that have not moved yet.
 * The rest arrive at random (Poisson) with a random side. Sizes are uniform in [qtyMin, qtyMax]
 * in steps of 10. Orders after a move are as frequent as moves, so volatile bursts bring many.
 */
import { Random } from '../../core/random.js';
import type { WorldTape } from '../../venues/models/world-tape.js';

export interface OrderFlowOptions {
  /** Probability that a price move triggers one of our orders. */
  reactProb: number;
  /** From the move to our order leaving: the leading venue's requote, its feed, our decision, ns. */
  reactDelayNs: number;
  /** Random orders per second. */
  backgroundPerSec: number;
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

export function orderFlow(tape: WorldTape, o: OrderFlowOptions, seed: number): OrderFlow {
  const rng = new Random((seed ^ 0x68e31da4) >>> 0);
  const ts: number[] = [];
  const side: number[] = [];
  const reactive: number[] = [];
  for (let i = 0; i < tape.moveTs.length; i++) {
    const t = tape.moveTs.data[i] + o.reactDelayNs;
    if (t < o.startNs || t >= o.endNs || rng.next() >= o.reactProb) continue;
    ts.push(t);
    side.push(Math.sign(tape.moveTicks.data[i]));
    reactive.push(1);
  }
  for (let t = o.startNs + rng.exponential(1e9 / o.backgroundPerSec); t < o.endNs; ) {
    ts.push(t);
    side.push(rng.next() < 0.5 ? 1 : -1);
    reactive.push(0);
    t += rng.exponential(1e9 / o.backgroundPerSec);
  }
  const order = ts.map((_, i) => i).sort((a, b) => ts[a] - ts[b]);
  const n = Math.min(order.length, o.maxOrders);
  const steps = Math.floor((o.qtyMax - o.qtyMin) / 10) + 1;
  return {
    tsNs: Float64Array.from({ length: n }, (_, k) => ts[order[k]]),
    side: Int8Array.from({ length: n }, (_, k) => side[order[k]]),
    qty: Float64Array.from({ length: n }, () => o.qtyMin + 10 * rng.int(steps)),
    reactive: Uint8Array.from({ length: n }, (_, k) => reactive[order[k]]),
    length: n,
  };
}
