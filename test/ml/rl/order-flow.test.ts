import { describe, expect, it } from 'vitest';
import { type OrderFlowOptions, OrderFlowSource } from '../../../src/ml/rl/order-flow.js';
import { WorldTape } from '../../../src/venues/models/world-tape.js';
import { twoVenueWorld } from '../../venues/models/world-fixtures.js';

const OPTS: OrderFlowOptions = {
  reactProb: 0.8,
  reactDelayNs: 100e3,
  backgroundPerSec: 1,
  qtyMin: 100,
  qtyMax: 500,
  startNs: 1e9,
  endNs: 61e9,
  maxOrders: 10_000,
  reactiveAlpha: true,
};

describe('OrderFlowSource', () => {
  it("follows everyone else's moves, never the drift of its own alpha", () => {
    const p = twoVenueWorld({ orderAlphaBps: 2, orderAlphaTauNs: 0.2e9 });
    const source = new OrderFlowSource(OPTS, 4);
    const tape = new WorldTape(p, 4, 62e9, source);
    const flow = source.flow();
    const moves = new Set(Array.from(tape.moveTs.data.subarray(0, tape.moveTs.length)));
    let reactive = 0;
    let inWindow = 0;
    for (const t of moves)
      if (t + OPTS.reactDelayNs >= OPTS.startNs && t + OPTS.reactDelayNs < OPTS.endNs) inWindow++;
    for (let i = 0; i < flow.length; i++) {
      if (i > 0) expect(flow.tsNs[i]).toBeGreaterThanOrEqual(flow.tsNs[i - 1]);
      if (!flow.reactive[i]) continue;
      reactive++;
      expect(moves.has(flow.tsNs[i] - OPTS.reactDelayNs)).toBe(true);
    }
    // Each order brings ~3.8 one-tick moves of alpha, more than everyone else's moves, yet 80% of
    // everyone else's moves, and only those, are followed.
    expect(reactive / inWindow).toBeGreaterThan(0.75);
    expect(reactive / inWindow).toBeLessThan(0.85);
    expect(flow.length - reactive).toBeGreaterThan(40);
  });

  it('gives orders that follow a move no alpha unless reactiveAlpha, and keeps the earliest maxOrders', () => {
    const source = new OrderFlowSource({ ...OPTS, reactiveAlpha: false, maxOrders: 5 }, 1);
    source.onMove(2e9, 1);
    source.onMove(2.5e9, -1);
    const alphas: number[] = [];
    while (Number.isFinite(source.nextNs())) alphas.push(source.take());
    const flow = source.flow();
    expect(flow.length).toBe(5);
    for (let i = 0; i < flow.length; i++) expect(alphas[i]).toBe(flow.reactive[i] ? 0 : flow.side[i]);
  });
});
