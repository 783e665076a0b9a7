/**
 * RouteNode with a trained policy: a poll that reads more order-producing ticks than one
 * decision batch holds decides them all with the policy (the node completes a full batch before
 * the next tick), in tick order; an idle poll keeps the inference warm on schedule.
 */

import { describe, expect, it } from 'vitest';
import { createForecastTable, ForecastTable } from '../../src/ml/forecast-table.js';
import { exportMlpToOnnx } from '../../src/ml/onnx/mlp-onnx-exporter.js';
import { OnnxPolicy } from '../../src/ml/rl/onnx-policy.js';
import type { PolicyMetadata } from '../../src/ml/rl/policy-metadata.js';
import { featureCount, featureNames } from '../../src/ml/rl/routing-features.js';
import { RouteNode } from '../../src/pipeline/route-node.js';
import {
  createHostTime,
  DUE_NS,
  type HostTime,
  NOW_NS,
  type StageNode,
} from '../../src/pipeline/stage-node.js';
import { BestPriceRouter } from '../../src/routing/best-price-router.js';
import { PolicyRouter } from '../../src/routing/policy-router.js';
import { RouteStage } from '../../src/routing/route-stage.js';
import { ControlBlock, createControlBlock } from '../../src/run-state/control-block.js';
import { OrderCodec, OrderLayout, TickCodec, TickLayout } from '../../src/shm/records.js';
import { createRing, SpscRing } from '../../src/shm/spsc-ring.js';
import type { OrderIntent, Strategy } from '../../src/strategies/strategy.js';
import { quoteTick, routedIntent, stageFixture } from '../fixtures.js';

const VENUES = ['A', 'B', 'C'];
const N = featureCount(3);

/** DQN that always prefers venue 2 (bias), so a policy decision is told apart from best-price's. */
function venue2Policy(): OnnxPolicy {
  const layer = {
    inputs: N,
    outputs: 3,
    weights: new Float32Array(N * 3),
    bias: Float32Array.of(0, 0, 5),
    activation: 'linear' as const,
  };
  const meta = { policy: 'dqn', features: featureNames(VENUES), venues: VENUES } as PolicyMetadata;
  return OnnxPolicy.fromBytes(exportMlpToOnnx([layer], { inputName: 'obs' }), meta);
}

/** Buys 10 + the tick's sequence on every tick of venue 0 after the first three. */
const buyer: Strategy = {
  id: 1,
  name: 'buyer',
  onTick(tick, book, intents: OrderIntent[]) {
    if (tick.seq < 3) return 0;
    routedIntent(intents[0], book, 1, 10 + tick.seq);
    return 1;
  },
};

function setup(warmIntervalNs = 0) {
  const f = stageFixture(['AAPL'], VENUES);
  const fees = Float64Array.of(0, 0, 0);
  const router = new PolicyRouter(venue2Policy(), 1, 3, fees, new BestPriceRouter(), { warmIntervalNs });
  const stage = new RouteStage(
    1,
    3,
    buyer,
    router,
    new ForecastTable(createForecastTable(3)),
    fees,
    new ControlBlock(createControlBlock(1)),
    f.clock,
    f.metrics,
  );
  const ticks = new SpscRing(createRing('ticks', 1024, TickLayout.sizeBytes));
  const orders = new SpscRing(createRing('orders', 1024, OrderLayout.sizeBytes));
  const node = new RouteNode(stage, ticks, orders, new ControlBlock(createControlBlock(1)), f.metrics);
  return { f, router, ticks, orders, node };
}

/** A host time cell reading `ns`. */
function at(ns: number): HostTime {
  const t = createHostTime();
  t[NOW_NS] = ns;
  return t;
}

/** The node's earliest timer, as a host asks for it. */
function dueOf(node: StageNode): number {
  const t = createHostTime();
  t[DUE_NS] = Number.POSITIVE_INFINITY;
  node.lowerDue(t);
  return t[DUE_NS];
}

describe('RouteNode with a policy router', () => {
  it('decides every order of a 203-order poll with the policy, in tick order, none by the fallback', () => {
    const s = setup();
    const quotes = [quoteTick(0, 0, 10.0, 10.01), quoteTick(0, 1, 10.0, 10.02), quoteTick(0, 2, 10.0, 10.03)];
    for (let seq = 0; seq < 206; seq++) {
      const t = seq < 3 ? quotes[seq] : quoteTick(0, 0, 10.0, 10.01);
      t.seq = seq;
      TickCodec.write(s.ticks.f64, s.ticks.i32, s.ticks.claim(), t);
    }
    s.ticks.publish();
    expect(s.node.poll(at(0))).toBe(206 + 203);
    const got: number[][] = [];
    const o = OrderCodec.create();
    while (s.orders.available() > 0) {
      OrderCodec.read(s.orders.f64, s.orders.i32, s.orders.next(), o);
      got.push([o.venueId, o.qty]);
    }
    s.orders.release();
    expect(got).toHaveLength(203);
    expect(got.every(([venue]) => venue === 2)).toBe(true); // the policy's venue, not best-price's (0)
    expect(got.map(([, qty]) => qty)).toEqual(Array.from({ length: 203 }, (_, i) => 13 + i));
    expect(s.router.fallbacks).toBe(0);
    expect(s.router.decisions).toBe(203);
  });

  it('an idle poll runs the keep-warm inference when it is due, and the node says when that is', () => {
    const s = setup(1e6);
    expect(dueOf(s.node)).toBe(0);
    s.node.poll(at(5e6));
    expect(s.router.warmRuns).toBe(1);
    expect(dueOf(s.node)).toBe(6e6);
    s.node.poll(at(5.5e6));
    expect(s.router.warmRuns).toBe(1);
    s.node.poll(at(6e6));
    expect(s.router.warmRuns).toBe(2);
  });
});
