import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { upperBound } from '../../../src/core/sorted-search.js';
import type { OurOrders } from '../../../src/venues/models/world-sim.js';
import { createWorldState } from '../../../src/venues/models/world-state.js';
import { WorldTape } from '../../../src/venues/models/world-tape.js';
import { twoVenueWorld } from './world-fixtures.js';

/** Orders every `everyNs` from `startNs`, each side a coin flip; they react to no move. */
class EveryOrders implements OurOrders {
  readonly ts: number[] = [];
  readonly side: number[] = [];
  private t: number;
  private readonly rng = new Random(99);
  constructor(
    startNs: number,
    private readonly everyNs: number,
    private readonly endNs: number,
  ) {
    this.t = startNs;
  }
  nextNs(): number {
    return this.t < this.endNs ? this.t : Number.POSITIVE_INFINITY;
  }
  take(): number {
    const side = this.rng.next() < 0.5 ? 1 : -1;
    this.ts.push(this.t);
    this.side.push(side);
    this.t += this.everyNs;
    return side;
  }
  onMove(): void {}
}

const TAU_NS = 0.5e9;
const SPAN_NS = 1500e9;

/** A calm world whose every order of ours is followed by 2 bp of drift its way, over TAU_NS. */
function alphaTape(): { tape: WorldTape; orders: EveryOrders; alphaTicks: number } {
  const p = twoVenueWorld({ orderAlphaBps: 2, orderAlphaTauNs: TAU_NS, volatileEnterPerSec: 1e-9 });
  const orders = new EveryOrders(1e9, 0.5e9, SPAN_NS - 5e9);
  const tape = new WorldTape(p, 21, SPAN_NS, orders);
  return { tape, orders, alphaTicks: (2e-4 * p.startPx) / p.tickPx };
}

/** Sum of everyone else's moves in (fromNs, toNs], ticks. */
function othersMoves(tape: WorldTape, fromNs: number, toNs: number): number {
  const ts = tape.moveTs.data;
  let sum = 0;
  for (let i = upperBound(ts, fromNs, tape.moveTs.length); i < tape.moveTs.length && ts[i] <= toNs; i++)
    sum += tape.moveTicks.data[i];
  return sum;
}

describe('the alpha of our orders', () => {
  const { tape, orders, alphaTicks } = alphaTape();

  it.each([0.25, 1, 3])('drifts the price our way by alpha x (1 - exp(-h/tau)) over h = %s tau', (k) => {
    const h = k * TAU_NS;
    let ours = 0;
    let others = 0;
    for (let i = 0; i < orders.ts.length; i++) {
      const t = orders.ts[i];
      const move = tape.effAt(t + h) - tape.effAt(t);
      const byOthers = othersMoves(tape, t, t + h);
      others += orders.side[i] * byOthers;
      ours += orders.side[i] * (move - byOthers);
    }
    const n = orders.ts.length;
    expect(n).toBeGreaterThan(2900);
    const want = alphaTicks * (1 - Math.exp(-k));
    // Other orders' drift is as often up as down; standard error ~0.05 ticks.
    expect(ours / n).toBeGreaterThan(want - 0.2);
    expect(ours / n).toBeLessThan(want + 0.2);
    // Everyone else's moves do not know our side: a martingale for them.
    expect(Math.abs(others / n)).toBeLessThan(0.2);
  });

  it('keeps the drift still to come in the state, so the state oracle sees it', () => {
    const s = createWorldState(2);
    let pending = 0;
    for (let i = 0; i < orders.ts.length; i += 50) {
      tape.stateAt(orders.ts[i], s);
      pending += orders.side[i] * (s.alphaUp - s.alphaDown);
    }
    // Right after an order its own moves are all still to come (plus what earlier orders left).
    expect(pending / Math.ceil(orders.ts.length / 50)).toBeGreaterThan(alphaTicks - 1);
  });
});
