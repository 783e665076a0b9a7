/**
 * RouteNode with a trained policy: the orders of a poll are decided from the routing table the
 * policy-table node filled beside the order path; the route node never runs onnxruntime. The
 * policy-table node polls on its interval once orders ask for decisions.
 */

import { describe, expect, it } from 'vitest';
import { createForecastTable, ForecastTable } from '../../src/ml/forecast-table.js';
import { exportMlpToOnnx } from '../../src/ml/onnx/mlp-onnx-exporter.js';
import { OnnxPolicy } from '../../src/ml/rl/onnx-policy.js';
import type { PolicyMetadata } from '../../src/ml/rl/policy-metadata.js';
import { featureCount, featureNames } from '../../src/ml/rl/routing-features.js';
import { PolicyTableNode } from '../../src/pipeline/policy-table-node.js';
import { RouteNode } from '../../src/pipeline/route-node.js';
import {
  createHostTime,
  DUE_NS,
  type HostTime,
  NOW_NS,
  type StageNode,
} from '../../src/pipeline/stage-node.js';
import { BestPriceRouter } from '../../src/routing/best-price-router.js';
import { LivePolicyInputs } from '../../src/routing/live-policy-inputs.js';
import { PolicyTableBuilder } from '../../src/routing/policy-table-builder.js';
import { RouteStage } from '../../src/routing/route-stage.js';
import { createRoutingTable, RoutingTable } from '../../src/routing/routing-table.js';
import { TablePolicyRouter } from '../../src/routing/table-policy-router.js';
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

/** Buys 100 on every tick of venue 0 after the first three. */
const buyer: Strategy = {
  id: 1,
  name: 'buyer',
  onTick(tick, book, intents: OrderIntent[]) {
    if (tick.seq < 3) return 0;
    routedIntent(intents[0], book, 1, 100);
    return 1;
  },
};

function setup() {
  const f = stageFixture(['AAPL'], VENUES);
  const fees = Float64Array.of(0, 0, 0);
  const control = new ControlBlock(createControlBlock(1));
  const forecasts = new ForecastTable(createForecastTable(3));
  const table = createRoutingTable(1, 3);
  const policy = venue2Policy();
  let inferences = 0;
  const run = policy.scoresInto.bind(policy);
  policy.scoresInto = (input, output) => {
    inferences++;
    return run(input, output);
  };
  const builder = new PolicyTableBuilder(
    policy,
    new LivePolicyInputs(f.quotes, forecasts, f.metrics, new RoutingTable(table), control),
    new RoutingTable(table),
    fees,
    f.clock,
    f.metrics,
    { maxUnchangedNs: 10e6 },
  );
  const router = new TablePolicyRouter('dqn', new RoutingTable(table), new BestPriceRouter(), 50e6);
  const stage = new RouteStage(1, 3, buyer, router, forecasts, fees, control, f.clock, f.metrics);
  const ticks = new SpscRing(createRing('ticks', 1024, TickLayout.sizeBytes));
  const orders = new SpscRing(createRing('orders', 1024, OrderLayout.sizeBytes));
  const node = new RouteNode(stage, ticks, orders, control, f.metrics);
  const tableNode = new PolicyTableNode(builder, 250e3);
  const send = (seqs: number[]) => {
    for (const seq of seqs) {
      const t = seq < 3 ? quoteTick(0, seq, 10.0, 10.01 + seq / 100) : quoteTick(0, 0, 10.0, 10.01);
      t.seq = seq;
      f.quotes.publish(t); // what ingest does beside the tick ring
      TickCodec.write(ticks.f64, ticks.i32, ticks.claim(), t);
    }
    ticks.publish();
  };
  const drain = () => {
    const got: number[] = [];
    const o = OrderCodec.create();
    while (orders.available() > 0) {
      OrderCodec.read(orders.f64, orders.i32, orders.next(), o);
      got.push(o.venueId);
    }
    orders.release();
    return got;
  };
  return { f, router, node, tableNode, send, drain, inferences: () => inferences };
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

describe('RouteNode with a trained policy', () => {
  it('decides 203 orders of one poll from the routing table, in tick order, with no inference on the order path', () => {
    const s = setup();
    s.send([0, 1, 2, 3]);
    s.node.poll(at(1e6));
    expect(s.drain()).toEqual([0]); // the row's first order: best-price, before any decision
    s.tableNode.poll(at(1.1e6)); // beside the order path: one inference over the wanted row
    const before = s.inferences();
    expect(before).toBe(1);
    s.send(Array.from({ length: 203 }, (_, i) => 4 + i));
    expect(s.node.poll(at(1.2e6))).toBe(203);
    const got = s.drain();
    expect(got).toHaveLength(203);
    expect(got.every((venue) => venue === 2)).toBe(true); // the policy's venue, not best-price's (0)
    expect(s.inferences()).toBe(before);
    expect(s.router.decisions).toBe(203);
  });

  it('the policy-table node polls every interval once an order asked for a decision', () => {
    const s = setup();
    expect(dueOf(s.tableNode)).toBe(Number.POSITIVE_INFINITY); // nothing asked yet
    s.send([0, 1, 2, 3]);
    s.node.poll(at(1e6));
    s.tableNode.poll(at(1e6));
    expect(dueOf(s.tableNode)).toBe(1.25e6);
    s.tableNode.poll(at(1.1e6)); // not due: nothing runs
    expect(s.inferences()).toBe(1);
    s.f.quotes.publish(quoteTick(0, 1, 10.0, 10.0));
    s.tableNode.poll(at(1.25e6)); // due, and a top changed
    expect(s.inferences()).toBe(2);
    expect(dueOf(s.tableNode)).toBe(1.5e6);
  });
});
