/**
 * The runtime image, laid out as its Dockerfile stage says (no Docker engine runs here): every
 * COPY of the last stage applied to a temporary folder, then the image's entry command run in it.
 * It must serve the trained models: the ONNX latency forecaster and `--router dqn`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

const app = mkdtempSync(join(tmpdir(), 'hft-image-'));
afterAll(() => rmSync(app, { recursive: true, force: true }));

/** Applies the last stage's COPY lines (sources from the repository, or from the build stage's /app). */
function layOutRuntimeStage(): string[] {
  const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
  const stage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const copied: string[] = [];
  for (const m of stage.matchAll(/^COPY (--from=\S+ )?(.+) (\S+)$/gm)) {
    const sources = m[2].split(' ').map((s) => (m[1] ? s.replace(/^\/app\//, '') : s));
    for (const src of sources) {
      const dest = m[3].endsWith('/') ? join(app, m[3], basename(src)) : join(app, m[3]);
      cpSync(resolve(ROOT, src), dest, { recursive: true });
      copied.push(src);
    }
  }
  // `npm ci --omit=dev` in the image; the repository's install has the same production packages.
  symlinkSync(resolve(ROOT, 'node_modules'), join(app, 'node_modules'));
  return copied;
}

describe('the runtime image', () => {
  const copied = layOutRuntimeStage();

  it('ships the compiled daemon, its config and the trained models', () => {
    expect(copied).toEqual(expect.arrayContaining(['dist', 'bin', 'config', 'models']));
  });

  it('runs its entry command with the ONNX latency model and the dqn policy', () => {
    const report = join(app, 'reports', 'run');
    const r = spawnSync(
      process.execPath,
      [
        'bin/hft.js',
        'run',
        '--config',
        'deploy/hft-docker.yaml',
        '--skip-backtest',
        '--mode',
        'fast',
        '--duration',
        '2',
        '--metrics-port',
        '0',
        '--router',
        'dqn',
        '--report',
        report,
      ],
      { cwd: app, encoding: 'utf8', timeout: 60_000, env: { ...process.env, HFT_MODELS_DIR: '' } },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(join(app, 'models/latency/model.onnx'));
    const summary = JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8'));
    expect(summary.routing.policy).toBe('dqn');
    expect(summary.orders.sent).toBeGreaterThan(0);
  });
});
