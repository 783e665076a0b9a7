/**
 * The live policy's inputs, logged to record.hftpol and replayed, give back every decision the
 * live builder published, at its stamp, and which decision each order used.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecisionHistory, replayPolicy } from '../../src/backtest/policy-replay.js';
import { createForecastTable, ForecastTable } from '../../src/ml/forecast-table.js';
import { BestPriceRouter } from '../../src/routing/best-price-router.js';
import { LivePolicyInputs } from '../../src/routing/live-policy-inputs.js';
import { loadPolicyLog, PolicyLogWriter } from '../../src/routing/policy-input-log.js';
import { PolicyTableBuilder } from '../../src/routing/policy-table-builder.js';
import { createRoutingTable, RoutingTable } from '../../src/routing/routing-table.js';
import { TablePolicyRouter } from '../../src/routing/table-policy-router.js';
import { ControlBlock, createControlBlock } from '../../src/run-state/control-block.js';
import { SpscRing } from '../../src/shm/spsc-ring.js';
import { createIntent } from '../../src/strategies/strategy.js';
import { quoteTick, stageFixture } from '../fixtures.js';
import { toyPolicy, VENUES } from '../routing/toy-policy.js';

/** A live builder over one symbol whose inputs go to the routing table's log ring. */
function liveRun() {
  const f = stageFixture(['AAPL'], VENUES);
  const control = new ControlBlock(createControlBlock(1));
  const forecasts = new ForecastTable(createForecastTable(3));
  const handle = createRoutingTable(1, 3);
  const table = new RoutingTable(handle);
  const policy = toyPolicy('dqn');
  const inputs = new LivePolicyInputs(f.quotes, forecasts, f.metrics, table, control);
  const builder = new PolicyTableBuilder(
    policy,
    inputs,
    table,
    Float64Array.of(0, 0, 0),
    f.clock,
    f.metrics,
    {
      maxUnchangedNs: 10e6,
      log: new SpscRing(handle.log),
    },
  );
  const router = new TablePolicyRouter('dqn', table, new BestPriceRouter(), 50e6);
  return { f, forecasts, handle, table, policy, builder, router };
}

describe('replaying a live policy from its input log', () => {
  it('gives back every live decision at its stamp and the decision each order used', () => {
    const live = liveRun();
    const intent = Object.assign(createIntent(), { symbolId: 0, side: 1, qty: 100, arrivalMid: 10 });
    const weights = new Float64Array(3);
    const published: [number, number[]][] = [];
    const cell = new Float64Array(4);
    const routed = live.f.metrics.slots(3, (v) => `venue_${v}_routed`);
    for (let k = 0; k < 40; k++) {
      const nowNs = 1e6 + k * 250e3;
      // Tops move so the cheapest ask changes venue; forecasts and our order flow move too.
      live.f.quotes.publish(quoteTick(0, k % 3, 10 - 0.01 * (k % 4), 10.02 - 0.01 * (k % 5), 100, nowNs));
      if (k % 7 === 0) live.forecasts.publish(k % 3, Float64Array.of(3e5 + k * 1e3, 6e5, 9e5, 4e5, k, nowNs));
      if (k % 5 === 0) live.f.metrics.counters.add(routed[k % 3], 1);
      live.router.split(intent, nowNs - 100, nowNs, weights);
      if (live.builder.refresh(nowNs) > 0 && live.table.peek(live.table.rowOf(0, 1, 100), cell))
        published.push([cell[3], Array.from(cell.subarray(0, 3))]);
    }
    const file = join(mkdtempSync(join(tmpdir(), 'hft-pol-')), 'record.hftpol');
    const writer = new PolicyLogWriter(file, live.handle.log, {
      router: 'dqn',
      policy: 'models/dqn',
      registry: { symbols: ['AAPL'], venues: VENUES },
    });
    writer.close();
    const log = loadPolicyLog(file);
    expect(log?.header.router).toBe('dqn');
    const replay = replayPolicy(log!, live.policy, Float64Array.of(0, 0, 0), live.f.clock, live.f.metrics);
    expect(replay.polls).toBe(40);
    const row = live.table.rowOf(0, 1, 100);
    expect(new Set(published.map(([, w]) => w.join())).size).toBeGreaterThan(1); // the decision moved
    for (const [stamp, w] of published) expect(Array.from(replay.history.at(row, stamp) ?? [])).toEqual(w);
    // The first order found no decision (fallback, stamp 0); each later one used the previous refresh.
    expect(replay.uses.length).toBe(40);
    expect(replay.uses[0].decidedNs).toBe(0);
    expect(replay.uses[1]).toEqual({ tickRecvTsNs: 1.25e6 - 100, row, decidedNs: 1e6 });
  });
});

describe('the policy log on disk', () => {
  it('stops growing at its byte limit (system.record_max_mb) and counts the frames it left out', () => {
    const live = liveRun();
    const intent = Object.assign(createIntent(), { symbolId: 0, side: 1, qty: 100, arrivalMid: 10 });
    for (let k = 0; k < 20; k++) {
      const nowNs = 1e6 + k * 250e3;
      live.f.quotes.publish(quoteTick(0, k % 3, 10 - 0.01 * (k % 4), 10.02, 100, nowNs));
      live.router.split(intent, nowNs - 100, nowNs, new Float64Array(3));
      live.builder.refresh(nowNs);
    }
    const published = new SpscRing(live.handle.log).available();
    const dir = mkdtempSync(join(tmpdir(), 'hft-pol-cap-'));
    const header = { router: 'dqn', policy: 'models/dqn', registry: { symbols: ['AAPL'], venues: VENUES } };
    // The header alone is a few hundred bytes: room for it and a handful of frames only.
    const capped = new PolicyLogWriter(join(dir, 'capped.hftpol'), live.handle.log, header, 2048);
    capped.close();
    expect(published).toBeGreaterThan(20);
    expect(capped.frames).toBeGreaterThan(0);
    expect(capped.frames + capped.droppedAtLimit).toBe(published);
    expect(statSync(join(dir, 'capped.hftpol')).size).toBeLessThanOrEqual(2048);
    expect(loadPolicyLog(join(dir, 'capped.hftpol'))?.frames.length).toBe(capped.frames);
  });
});

describe('DecisionHistory', () => {
  it('keeps changes only and answers the decision in force at any instant', () => {
    const h = new DecisionHistory(2, 2);
    h.note(1, 10, Float64Array.of(1, 0));
    h.note(1, 20, Float64Array.of(1, 0)); // unchanged: not kept
    h.note(1, 30, Float64Array.of(0, 1));
    expect(h.changes).toBe(2);
    expect(h.at(1, 5)).toBeNull();
    expect(Array.from(h.at(1, 25) ?? [])).toEqual([1, 0]);
    expect(Array.from(h.at(1, 30) ?? [])).toEqual([0, 1]);
    expect(h.at(0, 100)).toBeNull();
  });
});
