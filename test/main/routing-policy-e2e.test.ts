import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const HFT = resolve(ROOT, 'bin/hft.js');

function hft(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 60_000) {
  return spawnSync(process.execPath, [HFT, ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'hft-rl-')),
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout,
  });
}

describe('trained routers end to end (shipped models/)', () => {
  it.each(['dqn', 'ppo'])(
    'hft run --router %s routes live orders from the routing table onnxruntime fills, then backtests them',
    (router) => {
      const report = mkdtempSync(join(tmpdir(), `hft-run-${router}-`));
      const r = hft([
        'run',
        '--mode',
        'fast',
        '--duration',
        '3',
        '--router',
        router,
        '--pipeline',
        'fused',
        '--metrics-port',
        '0',
        '--log-level',
        'quiet',
        '--report',
        report,
      ]);
      expect(r.status).toBe(0);
      const s = JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8'));
      expect(s.routing.policy).toBe(router);
      expect(s.orders.sent).toBeGreaterThan(0);
      const routed = Object.values(s.routing.by_venue as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(routed).toBeGreaterThan(0);
      expect(s.orders.dropped ?? 0).toBe(0);
      // The policy decided ahead of the orders (beside the order path) and the orders used it.
      expect(s.latency_us.policy_inference.count).toBeGreaterThan(0);
      expect(s.routing.table.decided).toBeGreaterThan(0);
      expect(s.routing.table.decided).toBeGreaterThan(s.routing.table.fallback);
      // The backtest phase replayed the run's recording through the same policy, with the
      // tick->order times the live run measured.
      expect(s.backtest.router).toBe(router);
      expect(s.backtest.orders.sent).toBeGreaterThan(0);
      expect(s.backtest.models.decision_latency).toMatch(/^recorded \(\d+ orders\)$/);
    },
  );

  it('hft eval routing scores every router on held-out episodes and writes eval.json and eval.svg', () => {
    const report = mkdtempSync(join(tmpdir(), 'hft-eval-'));
    const r = hft(['eval', 'routing', '--episodes', '2', '--report', report]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/vs best fixed/);
    const ev = JSON.parse(readFileSync(join(report, 'eval.json'), 'utf8'));
    const fixed = ['round-robin', 'best-price', 'lowest-latency', 'predicted-latency', 'latency-adjusted'];
    const ablations = ['latency-adjusted/none', 'latency-adjusted/ewma', 'latency-adjusted/true'];
    expect(Object.keys(ev.policies).sort()).toEqual(
      [...fixed, ...ablations, 'state-oracle', 'hindsight', 'dqn', 'ppo'].sort(),
    );
    for (const f of fixed) expect(ev.policies[f].kind).toBe('fixed');
    expect(ev.policies['latency-adjusted/true'].forecaster).toBe('true');
    expect(ev.policies['state-oracle'].state_oracle_gap_share).toBe(1);
    expect(ev.policies['state-oracle'].timeouts).toBe(0);
    expect(ev.seeds[0]).toBeGreaterThanOrEqual(3e9);
    expect(ev.outage_episode_share).toBeGreaterThanOrEqual(0);
    expect(ev.congestion_episode_share).toBeGreaterThan(0);
    for (const p of Object.values(ev.policies) as { bps: { ci95: number }; hindsight_best_pct: number }[]) {
      expect(Number.isFinite(p.bps.ci95)).toBe(true);
      expect(p.hindsight_best_pct).toBeGreaterThan(0);
    }
    expect(readFileSync(join(report, 'eval.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('hft eval routing compares a policy trained on the EWMA with the shipped one trained on the ONNX model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hft-ewma-'));
    const out = join(dir, 'dqn-ewma');
    const t = hft(
      ['train', 'dqn', '--episodes', '4', '--eval-episodes', '0', '--forecaster', 'ewma', '--out', out],
      {},
      120_000,
    );
    expect(t.status, t.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8')).env.forecaster).toBe('ewma');
    const report = join(dir, 'eval');
    const r = hft([
      'eval',
      'routing',
      '--episodes',
      '2',
      '--model',
      join(ROOT, 'models'),
      '--model',
      out,
      '--report',
      report,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/forecast value: dqn vs dqn\/ewma: [+-]\d/);
    const ev = JSON.parse(readFileSync(join(report, 'eval.json'), 'utf8'));
    expect(ev.policies['dqn/ewma'].forecaster).toBe('ewma');
    expect(ev.policies.dqn.forecaster).toBe('onnx');
    const [c] = ev.forecast_value;
    expect(c.policy).toBe('dqn');
    expect(c.versus).toBe('dqn/ewma');
    const paired = ev.policies.dqn.episode_bps.map(
      (x: number, i: number) => x - ev.policies['dqn/ewma'].episode_bps[i],
    );
    expect(c.diff_bps.mean).toBeCloseTo((paired[0] + paired[1]) / 2, 9);
  }, 240_000);

  it('refuses what it cannot do with exit 2 and one line', () => {
    const empty = mkdtempSync(join(tmpdir(), 'hft-no-models-'));
    for (const [args, env, pattern] of [
      [['train', 'bogus'], {}, /unknown model "bogus"; expected one of latency, dqn, ppo/],
      [['train', 'dqn', '--episodes', '0'], {}, /--episodes/],
      [['eval', 'routing', '--model', '/nonexistent'], {}, /--model/],
      [
        ['run', '--mode', 'fast', '--router', 'ppo', '--duration', '1'],
        { HFT_MODELS_DIR: empty },
        /hft train ppo/,
      ],
      [['backtest', '--data', '/nonexistent', '--router', 'dqn'], {}, /.+/],
    ] as [string[], NodeJS.ProcessEnv, RegExp][]) {
      const r = hft(args, env);
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
    }
  });
});
