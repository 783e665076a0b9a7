/**
 * A trained policy routing from its routing table: the builder decides ahead of the orders (one
 * inference over the wanted rows), the route stage reads the table per order and never runs the
 * policy; an order without a fresh decision is routed by best-price and counted.
 */
import { describe, expect, it } from 'vitest';
import { createForecastTable, ForecastTable } from '../../src/ml/forecast-table.js';
import { exportMlpToOnnx } from '../../src/ml/onnx/mlp-onnx-exporter.js';
import { OnnxPolicy, PolicyModelError } from '../../src/ml/rl/onnx-policy.js';
import type { PolicyMetadata } from '../../src/ml/rl/policy-metadata.js';
import { featureCount, featureNames } from '../../src/ml/rl/routing-features.js';
import { BestPriceRouter } from '../../src/routing/best-price-router.js';
import { LivePolicyInputs } from '../../src/routing/live-policy-inputs.js';
import { PolicyTableBuilder } from '../../src/routing/policy-table-builder.js';
import { RouteStage } from '../../src/routing/route-stage.js';
import { createRoutingTable, RoutingTable } from '../../src/routing/routing-table.js';
import { TablePolicyRouter } from '../../src/routing/table-policy-router.js';
import { ControlBlock, createControlBlock, VenueFlag } from '../../src/run-state/control-block.js';
import { type Order, OrderCodec } from '../../src/shm/records.js';
import type { OrderIntent, Strategy } from '../../src/strategies/strategy.js';
import { quoteTick, routedIntent, stageFixture } from '../fixtures.js';
import { toyPolicy as policy, VENUES } from './toy-policy.js';

const N = featureCount(3);
const MAX_AGE_NS = 50e6;

/** Trades `qty` on every tick of venue 2: buys, or (alternating) buys then sells. */
function trader(qty = 100, alternate = false): Strategy {
  let n = 0;
  return {
    id: 4,
    name: 'trader',
    onTick(tick, book, intents: OrderIntent[]) {
      if (tick.venueId !== 2) return 0;
      routedIntent(intents[0], book, alternate && n++ % 2 === 1 ? -1 : 1, qty);
      return 1;
    },
  };
}

function setup(p: OnnxPolicy, strategy = trader()) {
  const f = stageFixture(['AAPL'], VENUES);
  const fees = Float64Array.of(0, 0, 0);
  const control = new ControlBlock(createControlBlock(1));
  const forecasts = new ForecastTable(createForecastTable(3));
  const handle = createRoutingTable(1, 3);
  const failures: string[] = [];
  const builder = new PolicyTableBuilder(
    p,
    new LivePolicyInputs(f.quotes, forecasts, f.metrics, new RoutingTable(handle), control),
    new RoutingTable(handle),
    fees,
    f.clock,
    f.metrics,
    { maxUnchangedNs: 10e6, onFailure: (e) => failures.push(e.message) },
  );
  const router = new TablePolicyRouter(p.kind, new RoutingTable(handle), new BestPriceRouter(), MAX_AGE_NS);
  const stage = new RouteStage(1, 3, strategy, router, forecasts, fees, control, f.clock, f.metrics);
  const out = Array.from({ length: stage.maxOrdersPerTick }, () => OrderCodec.create());
  const sent: Order[] = [];
  /** A quote as ingest publishes it (quote table) and route sees it (tick); returns the orders. */
  const quote = (venueId: number, bid: number, ask: number): Order[] => {
    const t = quoteTick(0, venueId, bid, ask);
    f.quotes.publish(t);
    const n = stage.onTick(t, out);
    const orders = out.slice(0, n).map((o) => OrderCodec.copy(o, OrderCodec.create()));
    sent.push(...orders);
    return orders;
  };
  const counter = (name: string) => f.metrics.counters.byName(name);
  return { f, control, builder, router, stage, quote, sent, counter, failures };
}

describe('a trained policy routing from its routing table', () => {
  it('routes the first order of a row by best-price, then by the decision the builder made ahead of the next', () => {
    const s = setup(policy('dqn', [0, 0, 30])); // prefers venue 2 over any price difference here
    s.quote(0, 10.0, 10.03);
    s.quote(1, 10.0, 10.01);
    const first = s.quote(2, 9.99, 10.02);
    expect(first.map((o) => o.venueId)).toEqual([1]); // best-price: the cheapest ask
    expect(s.counter('policy_table_fallbacks')).toBe(1);
    expect(s.router.undecided).toBe(1);
    s.f.clock.set(2e6);
    expect(s.builder.refresh(2e6)).toBe(1); // one wanted row: AAPL, buy, 100 shares
    s.f.clock.set(2.5e6);
    const next = s.quote(2, 9.99, 10.02);
    expect(next.map((o) => [o.venueId, o.qty, o.limitPx])).toEqual([[2, 100, 10.02]]);
    expect(s.counter('policy_table_decisions')).toBe(1);
    expect(s.f.metrics.hist.policy_table_age.summaryUs().max).toBeCloseTo(500, 0);
  });

  it('decides buys and sells in their own rows, masked to venues quoting the side', () => {
    const s = setup(policy('dqn'), trader(100, true));
    s.quote(0, 10.01, 10.03); // best bid
    s.quote(1, 9.99, 10.01); // best ask
    s.quote(2, 10.0, 10.02); // a buy (fallback)
    s.quote(2, 10.0, 10.02); // a sell (fallback)
    expect(s.builder.refresh(2e6)).toBe(2);
    const orders = [...s.quote(2, 10.0, 10.02), ...s.quote(2, 10.0, 10.02)];
    expect(orders.map((o) => [o.side, o.venueId, o.limitPx])).toEqual([
      [1, 1, 10.01],
      [-1, 0, 10.01],
    ]);
  });

  it('ppo: a split becomes one order per venue, quantities adding up, unique ids', () => {
    const s = setup(policy('ppo', [0, 0, 0, 0, 0, 0, 10])); // all three venues equally
    s.quote(0, 10.0, 10.03);
    s.quote(1, 10.0, 10.01);
    s.quote(2, 9.99, 10.02);
    s.builder.refresh(2e6);
    const orders = s.quote(2, 9.99, 10.02);
    expect(orders.map((o) => o.venueId).sort()).toEqual([0, 1, 2]);
    expect(orders.reduce((q, o) => q + o.qty, 0)).toBe(100);
    expect(new Set(orders.map((o) => o.clientOrderId)).size).toBe(3);
  });

  it('re-decides only when tops, forecasts or our order flow changed, or after maxUnchanged', () => {
    const s = setup(policy('dqn'));
    s.quote(0, 10.0, 10.03);
    s.quote(1, 10.0, 10.01);
    s.quote(2, 9.99, 10.02);
    expect(s.builder.refresh(1e6)).toBe(1);
    expect(s.builder.refresh(2e6)).toBe(0); // nothing changed
    s.f.quotes.publish(quoteTick(0, 0, 10.0, 10.0));
    expect(s.builder.refresh(3e6)).toBe(1);
    expect(s.builder.refresh(12.9e6)).toBe(0);
    expect(s.builder.refresh(13e6)).toBe(1); // 10 ms unchanged: quote ages moved on
    expect(s.counter('policy_table_refreshes')).toBe(3);
  });

  it('the decision for a venue that is out at order time goes to best-price instead', () => {
    const s = setup(policy('dqn', [0, 0, 30]));
    s.quote(0, 10.0, 10.03);
    s.quote(1, 10.0, 10.01);
    s.quote(2, 9.99, 10.02);
    s.builder.refresh(1e6);
    s.control.setVenueFlag(2, VenueFlag.latencySpike, true);
    expect(s.quote(2, 9.99, 10.02).map((o) => o.venueId)).toEqual([1]);
  });

  it('a decision older than maxAge is not used: the builder stalled, best-price routes and it is counted', () => {
    const s = setup(policy('dqn', [0, 0, 30]));
    s.quote(0, 10.0, 10.03);
    s.quote(1, 10.0, 10.01);
    s.quote(2, 9.99, 10.02);
    s.builder.refresh(1e6);
    s.f.clock.set(1e6 + MAX_AGE_NS + 1);
    expect(s.quote(2, 9.99, 10.02).map((o) => o.venueId)).toEqual([1]);
    expect(s.router.stale).toBe(1);
    expect(s.counter('policy_table_fallbacks')).toBe(2);
  });

  it('if onnxruntime fails, the failure is told once, the table ages out and best-price routes on', () => {
    const p = policy('dqn', [0, 0, 30]);
    const s = setup(p);
    s.quote(0, 10.0, 10.03);
    s.quote(1, 10.0, 10.01);
    s.quote(2, 9.99, 10.02);
    p.scoresInto = () => {
      throw new Error('injected: session run failed');
    };
    expect(s.builder.refresh(1e6)).toBe(0);
    expect(s.builder.refresh(20e6)).toBe(0);
    expect(s.failures).toEqual(['injected: session run failed']);
    expect(s.builder.failed?.message).toBe('injected: session run failed');
    expect(s.quote(2, 9.99, 10.02).map((o) => o.venueId)).toEqual([1]);
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
});
