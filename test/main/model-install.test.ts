/**
 * `hft train` never replaces a served model by accident: it writes into runs/<stamp>/<model>/,
 * refuses an --out inside the served models folder, and --install replaces the served model only
 * when the new one beats its baseline, saying "worse" when it is worse. `hft eval latency --model`
 * takes the folder `hft train latency --out` wrote.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkTrainOut,
  defaultTrainDir,
  installModel,
  latencyVerdict,
  routingVerdict,
} from '../../src/main/model-install.js';
import { ROOT } from '../ml/latency/latency-test-data.js';

const CLI = join(ROOT, 'dist/src/main/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'hft-install-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A served models folder holding a copy of the shipped latency model, and the CLI pointed at it. */
const served = join(dir, 'models');
cpSync(join(ROOT, 'models/latency'), join(served, 'latency'), { recursive: true });
const shippedBytes = readFileSync(join(served, 'latency/model.onnx'));

function hft(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, HFT_MODELS_DIR: served },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SMOKE = ['--streams', '1', '--stream-seconds', '20', '--epochs', '1'];

describe('hft train latency: where it writes and when it installs', () => {
  it('writes into runs/<stamp>/latency by default and leaves the served model alone', () => {
    const r = hft('train', 'latency', ...SMOKE);
    expect(r.status, r.stderr).toBe(0);
    const stamps = readdirSync(join(dir, 'runs'));
    expect(stamps).toHaveLength(1);
    expect(stamps[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    const out = join(dir, 'runs', stamps[0], 'latency');
    expect(existsSync(join(out, 'model.onnx')) && existsSync(join(out, 'metadata.json'))).toBe(true);
    expect(r.stdout).toMatch(
      /held-out verdict: mean pinball \d+\.\d% (lower \(better\)|higher \(worse\)) than the/,
    );
    expect(r.stdout).toMatch(/not installed; to serve it/);
    expect(readFileSync(join(served, 'latency/model.onnx')).equals(shippedBytes)).toBe(true);

    // What train wrote, eval takes: the folder itself.
    const ev = hft('eval', 'latency', '--model', out);
    expect(ev.status, ev.stderr).toBe(0);
    expect(ev.stdout).toContain(join(out, 'model.onnx'));
  });

  it('refuses an --out inside the served folder without touching it (exit 2)', () => {
    const r = hft('train', 'latency', '--out', join(served, 'latency'), ...SMOKE);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out .*models\/latency is inside .*models, which the daemon serves/);
    expect(readFileSync(join(served, 'latency/model.onnx')).equals(shippedBytes)).toBe(true);
  });

  it('--install replaces the served model only when the new one beats its baseline', () => {
    const out = join(dir, 'smoke');
    const r = hft('train', 'latency', '--out', out, '--install', ...SMOKE);
    const worse = /higher \(worse\)/.test(r.stdout);
    const now = readFileSync(join(served, 'latency/model.onnx'));
    if (worse) {
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--install refused: the new model is mean pinball .*% higher \(worse\)/);
      expect(now.equals(shippedBytes)).toBe(true);
    } else {
      expect(r.status, r.stderr).toBe(0);
      expect(now.equals(readFileSync(join(out, 'model.onnx')))).toBe(true);
    }
  });
});

describe('install verdicts and the copy', () => {
  it('say worse when worse', () => {
    expect(latencyVerdict(-0.78, 'ewma')).toEqual({
      beats: false,
      summary: 'mean pinball 78.0% higher (worse) than the ewma baseline',
    });
    expect(latencyVerdict(0.032, 'rolling').summary).toBe(
      'mean pinball 3.2% lower (better) than the rolling baseline',
    );
    expect(routingVerdict({ mean: -0.02, lo: -0.03, hi: -0.01 }, 'best-price')).toEqual({
      beats: false,
      summary: '0.020 bps/share worse than best-price (95% CI -0.030 to -0.010)',
    });
    expect(routingVerdict({ mean: 0.4, lo: 0.3, hi: 0.5 }, 'best-price').beats).toBe(true);
    expect(routingVerdict(undefined, 'best-price').beats).toBe(false);
  });

  it('copies model and metadata into the target only for a model that beats its baseline', () => {
    const from = join(dir, 'candidate');
    const target = join(dir, 'target');
    mkdirSync(from, { recursive: true });
    mkdirSync(target, { recursive: true });
    writeFileSync(join(from, 'model.onnx'), 'new');
    writeFileSync(join(from, 'metadata.json'), '{"v":2}');
    writeFileSync(join(target, 'model.onnx'), 'old');
    expect(() => installModel(from, target, latencyVerdict(-0.1, 'ewma'))).toThrow(
      /refused.*worse.*unchanged/,
    );
    expect(readFileSync(join(target, 'model.onnx'), 'utf8')).toBe('old');
    installModel(from, target, latencyVerdict(0.1, 'ewma'));
    expect(readFileSync(join(target, 'model.onnx'), 'utf8')).toBe('new');
    expect(readFileSync(join(target, 'metadata.json'), 'utf8')).toBe('{"v":2}');
    expect(readdirSync(target).filter((f) => f.includes('installing'))).toEqual([]);
  });

  it('runs/<stamp>/<model> is the default and a served folder is refused', () => {
    expect(defaultTrainDir('dqn', new Date('2026-12-05T22:01:02.345Z'))).toMatch(
      /runs\/2026-12-05T22-01-02Z\/dqn$/,
    );
    expect(() => checkTrainOut(join(served, 'dqn-x'), [served])).toThrow(/which the daemon serves/);
    expect(() => checkTrainOut(join(dir, 'elsewhere'), [served])).not.toThrow();
  });
});
