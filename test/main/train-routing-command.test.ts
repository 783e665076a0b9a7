import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTrainRoutingCommand } from '../../src/main/train-routing-command.js';
import { OnnxPolicy } from '../../src/ml/rl/onnx-policy.js';
import { maxAbsDiffOnnx } from '../../src/ml/rl/policy-export.js';
import type { PolicyMetadata } from '../../src/ml/rl/policy-metadata.js';
import { fastConfig, ROOT } from '../ml/rl/rl-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'hft-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('hft train dqn|ppo (smoke)', () => {
  it('dqn: a short run completes, its loss decreases, and the exported model matches the trainer', async () => {
    const lines: string[] = [];
    const r = await runTrainRoutingCommand(
      'dqn',
      fastConfig(),
      {
        out: join(dir, 'dqn'),
        seed: 7,
        episodes: 16,
        evalEpisodes: 0,
        threads: 2,
        envOverrides: { ordersPerEpisode: 100 },
        command: 'test',
        progress: false,
      },
      (l) => lines.push(l),
    );
    expect(r.losses.length).toBeGreaterThan(100);
    const k = Math.floor(r.losses.length / 5);
    expect(mean(r.losses.slice(-k))).toBeLessThan(mean(r.losses.slice(0, k)));
    expect(existsSync(join(dir, 'dqn', 'model.onnx'))).toBe(true);
    const meta = JSON.parse(readFileSync(join(dir, 'dqn', 'metadata.json'), 'utf8')) as PolicyMetadata;
    expect(meta.policy).toBe('dqn');
    expect(meta.features).toHaveLength(30);
    expect(meta.onnx.parity_max_abs_diff).toBeLessThanOrEqual(1e-5);
    expect(meta.metrics.loss_last_10pct).toBeLessThan(meta.metrics.loss_first_10pct as number);
    expect(lines.join('\n')).toMatch(/dqn: 16 episodes/);
  });

  it('ppo: a short run completes and exports logits over the split menu', async () => {
    const r = await runTrainRoutingCommand(
      'ppo',
      fastConfig(),
      {
        out: join(dir, 'ppo'),
        seed: 7,
        episodes: 8,
        evalEpisodes: 0,
        threads: 2,
        envOverrides: { ordersPerEpisode: 100 },
        command: 'test',
        progress: false,
      },
      () => {},
    );
    expect(r.metadata.actions).toHaveLength(7);
    const policy = OnnxPolicy.load(join(dir, 'ppo'));
    const scores = policy.scores(new Float32Array(policy.obsSize), 1);
    expect(scores).toHaveLength(7);
    policy.release();
  });

  it('the shipped policies: onnxruntime-node output == trainer output within 1e-5', () => {
    for (const kind of ['dqn', 'ppo']) {
      const mdir = join(ROOT, 'models', kind);
      const policy = OnnxPolicy.load(mdir);
      const parity = JSON.parse(readFileSync(join(mdir, 'parity.json'), 'utf8')) as {
        rows: number;
        obs: number[];
        trainer_outputs: number[];
      };
      const bytes = readFileSync(join(mdir, 'model.onnx'));
      const diff = maxAbsDiffOnnx(
        bytes,
        policy.metadata,
        Float32Array.from(parity.obs),
        parity.trainer_outputs,
      );
      expect(parity.rows).toBeGreaterThanOrEqual(32);
      expect(diff).toBeLessThanOrEqual(1e-5);
      policy.release();
    }
  });
});
