import { describe, expect, it } from 'vitest';
import { createForecastTable, ForecastTable } from '../../src/ml/forecast-table.js';
import { exportMlpToOnnx } from '../../src/ml/onnx/mlp-onnx-exporter.js';
import { OnnxPolicy, PolicyModelError } from '../../src/ml/rl/onnx-policy.js';
import type { PolicyMetadata } from '../../src/ml/rl/policy-metadata.js';
import { featureCount, featureNames, VENUE_FEATURES } from '../../src/ml/rl/routing-features.js';
import { BestPriceRouter } from '../../src/routing/best-price-router.js';
import { PolicyRouter } from '../../src/routing/policy-router.js';
import { RouteStage } from '../../src/routing/route-stage.js';
import { ControlBlock, createControlBlock } from '../../src/run-state/control-block.js';
import { type Order, OrderCodec } from '../../src/shm/records.js';
import type { OrderIntent, Strategy } from '../../src/strategies/strategy.js';
import { quoteTick, routedIntent, stageFixture } from '../fixtures.js';

const VENUES = ['A', 'B', 'C'];
const N = featureCount(3);
const COST = VENUE_FEATURES.indexOf('cost_bps');

/** A one-layer "policy": DQN Q_v = -cost_bps of venue v (so: the cheapest quote), PPO logits = bias. */
function policy(kind: 'dqn' | 'ppo', bias: number[] = []): OnnxPolicy {
  const outputs = kind === 'dqn' ? 3 : 7;
  const weights = new Float32Array(N * outputs);
  if (kind === 'dqn')
    for (let v = 0; v < 3; v++) weights[(v * VENUE_FEATURES.length + COST) * outputs + v] = -1;
  const layer = {
    inputs: N,
    outputs,
    weights,
    bias: Float32Array.from({ length: outputs }, (_, i) => bias[i] ?? 0),
    activation: 'linear' as const,
  };
  const meta = { policy: kind, features: featureNames(VENUES), venues: VENUES } as PolicyMetadata;
  return OnnxPolicy.fromBytes(exportMlpToOnnx([layer], { inputName: 'obs' }), meta);
}

/** Buys (or, alternating, buys then sells) `qty` on every tick of venue 2. */
function buyer(qty = 100, alternate = false): Strategy {
  let n = 0;
  return {
    id: 4,
    name: 'buyer',
    onTick(tick, book, intents: OrderIntent[]) {
      if (tick.venueId !== 2) return 0;
      routedIntent(intents[0], book, alternate && n++ % 2 === 1 ? -1 : 1, qty);
      return 1;
    },
  };
}

function setup(p: OnnxPolicy, capacity = 64, warmIntervalNs = 0, strategy = buyer()) {
  const f = stageFixture(['AAPL'], VENUES);
  const fees = Float64Array.of(0, 0, 0);
  const router = new PolicyRouter(p, 1, 3, fees, new BestPriceRouter(), { capacity, warmIntervalNs });
  const control = new ControlBlock(createControlBlock(1));
  const forecasts = new ForecastTable(createForecastTable(3));
  const stage = new RouteStage(1, 3, strategy, router, forecasts, fees, control, f.clock, f.metrics);
  const order = OrderCodec.create();
  const sent: Order[] = [];
  const complete = () =>
    stage.completeDecisions(order, (o) => sent.push(OrderCodec.copy(o, OrderCodec.create())));
  return { stage, router, order, sent, complete, clock: f.clock };
}

describe('PolicyRouter in the route stage', () => {
  it('queues the order and completes it, in the same call as the inference, at the venue the policy picks', () => {
    const s = setup(policy('dqn'));
    s.stage.onTick(quoteTick(0, 0, 10.0, 10.03), [s.order]);
    s.stage.onTick(quoteTick(0, 1, 10.0, 10.01), [s.order]);
    const tick = Object.assign(quoteTick(0, 2, 9.99, 10.02), { recvTsNs: 7, ingestTsNs: 8 });
    s.clock.set(500);
    expect(s.stage.onTick(tick, [s.order])).toBe(0); // queued, not dropped
    s.clock.set(1000);
    expect(s.complete()).toBe(1);
    const o = s.sent[0];
    expect(o.venueId).toBe(1); // the cheapest ask
    expect(o.limitPx).toBe(10.01);
    expect(o.qty).toBe(100);
    expect(o.tickRecvTsNs).toBe(7);
    expect(o.routeTsNs).toBe(1000);
    expect(s.router.decisions).toBe(1);
    expect(s.complete()).toBe(0); // nothing queued since
  });

  it('ppo: a split becomes one order per venue, quantities adding up', () => {
    const s = setup(policy('ppo', [0, 0, 0, 0, 0, 0, 10])); // all three venues equally
    s.stage.onTick(quoteTick(0, 0, 10.0, 10.03), [s.order]);
    s.stage.onTick(quoteTick(0, 1, 10.0, 10.01), [s.order]);
    s.stage.onTick(quoteTick(0, 2, 9.99, 10.02), [s.order]);
    expect(s.complete()).toBe(3);
    expect(s.sent.map((o) => o.venueId).sort()).toEqual([0, 1, 2]);
    expect(s.sent.reduce((q, o) => q + o.qty, 0)).toBe(100);
    expect(new Set(s.sent.map((o) => o.clientOrderId)).size).toBe(3);
  });

  it('decides a batch of queued orders in one inference, says when the batch is full, and falls back past it', () => {
    const s = setup(policy('dqn'), 4);
    s.stage.onTick(quoteTick(0, 0, 10.0, 10.03), [s.order]);
    s.stage.onTick(quoteTick(0, 1, 10.0, 10.01), [s.order]);
    s.stage.onTick(quoteTick(0, 2, 9.99, 10.02), [s.order]);
    s.stage.onTick(quoteTick(0, 2, 9.99, 10.02), [s.order]);
    expect(s.stage.decisionBatchFull).toBe(false); // 2 queued, room for a tick's 2 intents
    s.stage.onTick(quoteTick(0, 2, 9.99, 10.02), [s.order]);
    expect(s.stage.decisionBatchFull).toBe(true);
    s.stage.onTick(quoteTick(0, 2, 9.99, 10.02), [s.order]);
    // The batch (capacity 4) is full: best-price decides at once, the order is not lost.
    expect(s.stage.onTick(quoteTick(0, 2, 9.99, 10.02), [s.order])).toBe(1);
    expect(s.router.fallbacks).toBe(1);
    expect(s.complete()).toBe(4);
    expect(s.sent.every((o) => o.venueId === 1)).toBe(true);
    expect(s.router.decisions).toBe(4);
    expect(s.stage.decisionBatchFull).toBe(false);
  });

  it('decides each row of a batch on its own observation: interleaved buys and sells', () => {
    const s = setup(policy('dqn'), 64, 0, buyer(100, true));
    s.stage.onTick(quoteTick(0, 0, 10.01, 10.03), [s.order]); // best bid
    s.stage.onTick(quoteTick(0, 1, 9.99, 10.01), [s.order]); // best ask
    for (let i = 0; i < 6; i++) s.stage.onTick(quoteTick(0, 2, 10.0, 10.02), [s.order]);
    expect(s.complete()).toBe(6); // one inference over 6 rows
    expect(s.sent.map((o) => [o.side, o.venueId])).toEqual([
      [1, 1],
      [-1, 0],
      [1, 1],
      [-1, 0],
      [1, 1],
      [-1, 0],
    ]);
    expect(s.sent.map((o) => o.limitPx)).toEqual([10.01, 10.01, 10.01, 10.01, 10.01, 10.01]);
  });

  it('if onnxruntime fails, the queued orders go to best-price, the failure is told once, and best-price routes on', () => {
    const failures: string[] = [];
    const p = policy('dqn');
    const f = stageFixture(['AAPL'], VENUES);
    const fees = Float64Array.of(0, 0, 0);
    const router = new PolicyRouter(p, 1, 3, fees, new BestPriceRouter(), {
      onFailure: (e) => failures.push(e.message),
    });
    const stage = new RouteStage(
      1,
      3,
      buyer(),
      router,
      new ForecastTable(createForecastTable(3)),
      fees,
      new ControlBlock(createControlBlock(1)),
      f.clock,
      f.metrics,
    );
    const order = OrderCodec.create();
    const sent: number[] = [];
    stage.onTick(quoteTick(0, 0, 10.0, 10.03), [order]);
    stage.onTick(quoteTick(0, 1, 10.0, 10.01), [order]);
    stage.onTick(quoteTick(0, 2, 9.99, 10.02), [order]);
    stage.onTick(quoteTick(0, 2, 9.99, 10.02), [order]);
    p.scoresInto = () => {
      throw new Error('injected: session run failed');
    };
    expect(stage.completeDecisions(order, (o) => sent.push(o.venueId))).toBe(2);
    expect(sent).toEqual([1, 1]); // best-price's venue: the cheapest ask
    expect(router.fallbacks).toBe(2);
    expect(router.decisions).toBe(0);
    expect(failures).toEqual(['injected: session run failed']);
    // From now on best-price decides at once; keep-warm and the failure stay quiet.
    expect(stage.onTick(quoteTick(0, 2, 9.99, 10.02), [order])).toBe(1);
    expect(order.venueId).toBe(1);
    router.keepWarm(1e12);
    expect(failures).toHaveLength(1);
    expect(router.failed?.message).toBe('injected: session run failed');
  });

  it('a model whose output does not fit its metadata is refused at load, with a usage error', () => {
    const layer = {
      inputs: N,
      outputs: 5, // a DQN over 3 venues must give 3 values per row
      weights: new Float32Array(N * 5),
      bias: new Float32Array(5),
      activation: 'linear' as const,
    };
    const meta = { policy: 'dqn', features: featureNames(VENUES), venues: VENUES } as PolicyMetadata;
    const load = () => OnnxPolicy.fromBytes(exportMlpToOnnx([layer], { inputName: 'obs' }), meta);
    expect(load).toThrow(PolicyModelError);
    expect(load).toThrow(/^policy model bytes: onnxruntime cannot run it: /);
  });

  it('keeps the inference warm: one throw-away run per idle interval, decisions unchanged', () => {
    const s = setup(policy('dqn'), 64, 1e6);
    s.stage.onTick(quoteTick(0, 0, 10.0, 10.03), [s.order]);
    s.stage.onTick(quoteTick(0, 1, 10.0, 10.01), [s.order]);
    s.stage.keepWarm(0);
    expect(s.router.warmRuns).toBe(1);
    expect(s.stage.nextWarmNs()).toBe(1e6);
    s.stage.keepWarm(0.5e6); // not due
    expect(s.router.warmRuns).toBe(1);
    s.clock.set(0.9e6);
    s.stage.onTick(quoteTick(0, 2, 9.99, 10.02), [s.order]);
    expect(s.complete()).toBe(1); // a real inference at 0.9 ms restarts the interval
    expect(s.sent[0].venueId).toBe(1);
    s.stage.keepWarm(1.5e6);
    expect(s.router.warmRuns).toBe(1);
    expect(s.stage.nextWarmNs()).toBe(1.9e6);
    s.stage.keepWarm(1.9e6);
    expect(s.router.warmRuns).toBe(2);
    expect(s.router.decisions).toBe(1);
  });

  it('keep-warm is off at interval 0', () => {
    const s = setup(policy('dqn'));
    s.stage.keepWarm(1e12);
    expect(s.router.warmRuns).toBe(0);
    expect(s.stage.nextWarmNs()).toBe(Number.POSITIVE_INFINITY);
  });
});
