import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRecording } from '../../src/backtest/backtest-data.js';
import { runBacktest } from '../../src/backtest/backtest-engine.js';
import { fastConfig, writeRecording } from './backtest-fixtures.js';

const HFT = resolve(import.meta.dirname, '../../bin/hft.js');

function hft(args: string[]) {
  return spawnSync(process.execPath, [HFT, ...args], {
    env: { PATH: process.env.PATH },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

const dir = mkdtempSync(join(tmpdir(), 'hft-backtest-'));
const recording = join(dir, 'market.hftrec');
/** The fast-mode venues in another order: no shipped policy was trained for it. */
const swapped = join(dir, 'swapped.hftrec');

beforeAll(() => {
  writeRecording(recording);
  writeRecording(swapped, 1, 1000, ['NASDAQ-SIM', 'NYSE-SIM']);
});

describe('hft backtest', () => {
  it('is deterministic: two backtests of one file write byte-identical summary.json and report.html', () => {
    const outs = ['a', 'b'].map((name) => {
      const r = hft(['backtest', '--data', recording, '--mode', 'fast', '--report', join(dir, name)]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/events\/s/);
      return {
        summary: readFileSync(join(dir, name, 'summary.json'), 'utf8'),
        html: readFileSync(join(dir, name, 'report.html'), 'utf8'),
      };
    });
    expect(outs[1].summary).toBe(outs[0].summary);
    expect(outs[1].html).toBe(outs[0].html);
    const s = JSON.parse(outs[0].summary);
    expect(s.source).toBe(`replay:${recording}`);
    expect(s.backtest.orders.sent).toBeGreaterThan(100);
    expect(s.backtest.orders.filled).toBeGreaterThan(50);
    expect(s.backtest.models.order_latency).toBe('interpolated');
    expect(s.backtest.models.latency_forecast).toBe('ONNX latency/model.onnx'); // as the daemon serves
    expect(s.backtest.models.policy).toBeUndefined();
  }, 120_000);

  it('refuses a missing file, a file that is not a recording, and a venue the config does not know (exit 2)', () => {
    const missing = hft(['backtest', '--data', join(dir, 'nope.hftrec')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe(`hft: config --data: file not found: ${join(dir, 'nope.hftrec')}`);
    const junk = join(dir, 'junk.hftrec');
    writeFileSync(junk, 'this is not a recording\n');
    const bad = hft(['backtest', '--data', junk]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    const foreign = join(dir, 'foreign.hftrec');
    writeRecording(foreign, 1, 1000, ['LSE-SIM']);
    const unknown = hft(['backtest', '--data', foreign, '--mode', 'fast']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/venue LSE-SIM is not in market.venues/);
  }, 60_000);
});

describe('hft backtest --router dqn|ppo (the shipped models/)', () => {
  it.each(['dqn', 'ppo'])(
    '%s: is deterministic, and the policy decides every order but the first of each row',
    (router) => {
      const runs = ['a', 'b'].map((name) => {
        const report = join(dir, `${router}-${name}`);
        const r = hft([
          'backtest',
          '--data',
          recording,
          '--mode',
          'fast',
          '--router',
          router,
          '--report',
          report,
        ]);
        expect(r.status, r.stderr).toBe(0);
        return readFileSync(join(report, 'summary.json'), 'utf8');
      });
      expect(runs[1]).toBe(runs[0]);
      const s = JSON.parse(runs[0]);
      expect(s.backtest.router).toBe(router);
      expect(s.backtest.models.policy).toBe(router); // models/dqn, models/ppo: the fast-mode venues
      expect(s.backtest.orders.sent).toBeGreaterThan(100);
      const routed = Object.values(s.routing.by_venue as Record<string, number>);
      expect(routed.filter((n) => n > 0).length).toBeGreaterThan(0);
      // Every routed order went through the policy's routing table, except the first order of
      // each (symbol, side) row, which best-price routes while the table has no decision for it.
      expect(s.routing.table.fallback).toBeLessThanOrEqual(2 * s.symbols.length);
      expect(s.routing.table.refreshes).toBeGreaterThan(0);
      expect(s.latency_us.policy_decision.count + s.routing.table.fallback).toBe(
        routed.reduce((a, n) => a + n, 0),
      );
    },
    60_000,
  );

  it('refuses data whose venues no policy was trained for (exit 2, one line)', () => {
    const r = hft(['backtest', '--data', swapped, '--mode', 'fast', '--router', 'dqn']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^hft: config --router: no dqn model trained for venues NASDAQ-SIM, NYSE-SIM, BATS-SIM \(have: .*\); train one: hft train dqn/,
    );
  }, 60_000);
});

describe('backtest accounting', () => {
  it('P&L by venue and by symbol add up to the total, positions match the risk stage', () => {
    const run = runBacktest(fastConfig(), loadRecording(recording));
    const b = run.result.summary;
    const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
    expect(sum(Object.values(b.by_venue).map((v) => v.pnl))).toBeCloseTo(b.pnl.total, 2);
    expect(sum(Object.values(b.by_symbol).map((v) => v.pnl))).toBeCloseTo(b.pnl.total, 2);
    expect(sum(Object.values(b.by_venue).map((v) => v.fees))).toBeCloseTo(b.pnl.fees, 6);
    for (const [symbol, s] of Object.entries(b.by_symbol))
      expect(s.position).toBe(run.summary.positions[symbol]);
    expect(sum(Object.values(b.by_venue).map((v) => v.filled))).toBe(b.orders.filled);
    expect(sum(Object.values(b.by_venue).map((v) => v.sent))).toBe(b.orders.sent);
    expect(b.routing.decisions).toBe(b.orders.sent); // every order was IOC (momentum)
    expect(run.result.series.t.length).toBeGreaterThan(400);
  });

  it('order latency comes from the config: constant is each venue base latency, scaled by the multiplier', () => {
    const cfg = fastConfig();
    cfg.backtest.order_latency = 'constant';
    const data = loadRecording(recording);
    const one = runBacktest(cfg, data).result.summary;
    cfg.backtest.latency_multiplier = 2;
    const two = runBacktest(cfg, data).result.summary;
    cfg.market.venues.forEach((v) => {
      expect(one.by_venue[v.name].ack_us.p50).toBe(v.latency.base_us);
      expect(two.by_venue[v.name].ack_us.p99).toBe(2 * v.latency.base_us);
    });
  });

  it('the probabilistic queue fills resting quotes at least as often as the risk-averse one', () => {
    const cfg = fastConfig();
    cfg.trading.strategy.name = 'market-making';
    const data = loadRecording(recording);
    const averse = runBacktest(cfg, data).result.summary;
    cfg.backtest.queue_model = 'probabilistic';
    const prob = runBacktest(cfg, data).result.summary;
    expect(averse.orders.sent).toBeGreaterThan(50);
    expect(prob.orders.filled).toBeGreaterThanOrEqual(averse.orders.filled);
    expect(prob.models.queue).toBe('probabilistic (power 2)');
  });
});

/** `hft backtest --sweep` of the recording over the grid `yaml` (saved as DIR/name.yaml): sweep.json. */
function sweep(name: string, yaml: string) {
  const grid = join(dir, `${name}.yaml`);
  writeFileSync(grid, yaml);
  const report = join(dir, name);
  const r = hft(['backtest', '--data', recording, '--mode', 'fast', '--sweep', grid, '--report', report]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(readFileSync(join(report, 'sweep.json'), 'utf8'));
}

describe('hft backtest --sweep', () => {
  it('backtests every combination on both pool threads and writes sweep.json', () => {
    const s = sweep('sweep', 'routers: [best-price, round-robin]\nlatency_multipliers: [1, 3]\n');
    expect(s.combinations).toBe(4);
    expect(s.results.map((x: { params: unknown }) => x.params)).toEqual([
      { router: 'best-price', latency_multiplier: 1 },
      { router: 'best-price', latency_multiplier: 3 },
      { router: 'round-robin', latency_multiplier: 1 },
      { router: 'round-robin', latency_multiplier: 3 },
    ]);
    expect(s.threads).toBe(2);
    expect(s.threads_used).toBe(2);
    const [bp1, bp3] = s.results;
    expect(bp3.summary.by_venue['NYSE-SIM'].ack_us.p50).toBeGreaterThan(
      2 * bp1.summary.by_venue['NYSE-SIM'].ack_us.p50,
    );
    const bad = join(dir, 'bad-grid.yaml');
    writeFileSync(bad, 'routers: [warp-drive]\n');
    const refused = hft(['backtest', '--data', recording, '--sweep', bad]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--sweep/);
  }, 120_000);

  it('runs the trained routers: a pool thread loads its own policy and gets what a backtest here gets', () => {
    const s = sweep('policy-sweep', 'routers: [dqn, ppo]\n');
    const data = loadRecording(recording);
    for (const [i, router] of (['dqn', 'ppo'] as const).entries()) {
      const cfg = fastConfig();
      cfg.routing.router = router;
      const here = JSON.parse(JSON.stringify(runBacktest(cfg, data).result.summary));
      expect(s.results[i].summary).toEqual(here);
    }
    const grid = join(dir, 'policy-sweep.yaml');
    const noPolicy = hft(['backtest', '--data', swapped, '--mode', 'fast', '--sweep', grid]);
    expect(noPolicy.status).toBe(2);
    expect(noPolicy.stderr).toMatch(
      /^hft: config --sweep: no dqn model trained for venues NASDAQ-SIM, NYSE-SIM/,
    );
  }, 60_000);
});
