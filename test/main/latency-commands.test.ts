/**
 * `hft train latency` / `hft eval latency` end to end through the CLI: on CSV traces from a
 * latency process that is not our simulator's (ABIDES-style cubic jitter with message-counted
 * congestion regimes), on the simulator, with the shipped model, and with bad input (exit 2).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ABIDES_VENUES, abidesSeries } from '../../src/ml/latency/abides-latency-process.js';
import { formatLatencyCsv } from '../../src/ml/latency/latency-csv.js';
import { TRAIN_FRACTION } from '../../src/ml/latency/latency-dataset.js';
import { ROOT } from '../ml/latency/latency-test-data.js';

const CLI = join(ROOT, 'dist/src/main/cli.js');
const MESSAGES = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'hft-latency-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hft(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Score = { pinball: Record<string, number>; mae_us: number; coverage: { p90: number; p99: number } };

/** docs/contract.md eval.json: every named field present and a number. */
function expectContractShape(e: Record<string, unknown>): void {
  const r = e as { samples: number; test_samples: number; model: Score; baselines: Record<string, Score> };
  expect(r.samples).toBeGreaterThan(0);
  expect(r.test_samples).toBeGreaterThan(0);
  for (const k of ['p50', 'p90', 'p99', 'mean']) expect(Number.isFinite(r.model.pinball[k])).toBe(true);
  expect(Number.isFinite(r.model.mae_us)).toBe(true);
  expect(Number.isFinite(r.model.coverage.p90) && Number.isFinite(r.model.coverage.p99)).toBe(true);
  for (const b of ['last', 'ewma', 'rolling'])
    expect(Number.isFinite(r.baselines[b].pinball.mean)).toBe(true);
}

describe('hft train/eval latency on CSV from a different latency process', () => {
  const series = ABIDES_VENUES.map((v, i) => abidesSeries(v, MESSAGES, 77 + i));
  const csv = join(dir, 'abides.csv');
  writeFileSync(csv, formatLatencyCsv(series));

  it('trains on the first 70% per venue; on the last 30% it closes >= 60% of the gap to the causal filter, p90 coverage in [0.88, 0.92]', () => {
    const out = join(dir, 'abides-model');
    const train = hft('train', 'latency', '--samples', csv, '--out', out, '--epochs', '20', '--seed', '3');
    expect(train.status, train.stderr).toBe(0);
    expect(train.stderr).toMatch(/100% epoch 20\/20/);
    const meta = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
    expect(meta.seed).toBe(3);
    expect(meta.training.command).toContain('--samples');
    expect(meta.data.split).toMatch(/first 70%/);
    const report = join(dir, 'abides-eval');
    const ev = hft(
      'eval',
      'latency',
      '--samples',
      csv,
      '--model',
      join(out, 'model.onnx'),
      '--report',
      report,
      '--process',
      'abides',
    );
    expect(ev.status, ev.stderr).toBe(0);
    expect(ev.stdout).toMatch(/rolling \(baseline\)/);
    expect(ev.stdout).toMatch(/causal filter, true parameters/);
    const e = JSON.parse(readFileSync(join(report, 'eval.json'), 'utf8'));
    expectContractShape(e);
    expect(e.test_samples).toBe(ABIDES_VENUES.length * (MESSAGES - Math.floor(MESSAGES * TRAIN_FRACTION)));
    const best = Math.min(
      e.baselines.last.pinball.mean,
      e.baselines.ewma.pinball.mean,
      e.baselines.rolling.pinball.mean,
    );
    expect(e.model.pinball.mean).toBeLessThan(best);
    expect(e.model.coverage.p90).toBeGreaterThanOrEqual(0.88);
    expect(e.model.coverage.p90).toBeLessThanOrEqual(0.92);
    expect(readFileSync(join(report, 'eval.svg'), 'utf8')).toMatch(/^<svg[^>]*xmlns/);
    // The causal filter with the true parameters is the bar: better than every baseline and the
    // model, calibrated, and the model closes at least 60% of the gap from the best baseline to it.
    expect(e.causal_filter.pinball.mean).toBeLessThan(e.model.pinball.mean);
    expect(Math.abs(e.causal_filter.coverage.p90 - 0.9)).toBeLessThan(0.01);
    expect(e.gap_closed.baseline).toBe('rolling');
    expect(e.gap_closed.mean).toBeGreaterThanOrEqual(0.6);
  });

  it('refuses a bad CSV with exit 2 and the line and reason', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'timestamp_ns,venue,latency_ns\n1,A,100\n2,A,-5\n');
    const r = hft('eval', 'latency', '--samples', bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.csv line 3: latency_ns must be a positive number, got "-5"/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    writeFileSync(bad, 'time,venue,latency\n1,A,100\n');
    const h = hft('train', 'latency', '--samples', bad, '--out', join(dir, 'never'));
    expect(h.status).toBe(2);
    expect(h.stderr).toMatch(/line 1: expected the header "timestamp_ns,venue,latency_ns"/);
    writeFileSync(bad, 'timestamp_ns,venue,latency_ns\n1,A\n');
    expect(hft('eval', 'latency', '--samples', bad).stderr).toMatch(
      /line 2: expected 3 comma-separated fields, got 2/,
    );
    writeFileSync(bad, 'timestamp_ns,venue,latency_ns\nx,A,5\n');
    expect(hft('eval', 'latency', '--samples', bad).stderr).toMatch(/line 2: timestamp_ns must be a number/);
    const missing = hft('eval', 'latency', '--samples', join(dir, 'nope.csv'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.csv: no such file/);
    const process = hft('eval', 'latency', '--samples', csv, '--process', 'garch');
    expect(process.status).toBe(2);
    expect(process.stderr).toMatch(/--process: unknown process "garch"; expected one of abides/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('refuses unknown models and bad numbers with exit 2', () => {
    expect(hft('train', 'nonsense').status).toBe(2);
    const r = hft('train', 'latency', '--epochs', '0', '--out', join(dir, 'never'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--epochs: must be a positive integer, got 0/);
  });
});

describe('hft train/eval latency on the simulator', () => {
  it('a short training run writes a loadable model with its metadata', () => {
    const out = join(dir, 'sim-model');
    const r = hft(
      'train',
      'latency',
      '--out',
      out,
      '--streams',
      '1',
      '--stream-seconds',
      '30',
      '--epochs',
      '2',
    );
    expect(r.status, r.stderr).toBe(0);
    const meta = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
    expect(meta.data.held_out_venues).toEqual(['IEX-SIM']);
    expect(meta.data.train_seeds).toEqual([1001]);
    expect(meta.data.test_seeds.some((s: number) => meta.data.train_seeds.includes(s))).toBe(false);
    expect(meta.training.loss_history).toHaveLength(2);
    expectContractShape(JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8')));
  });

  it('the shipped model beats every baseline on held-out venues and seeds, p90 coverage in [0.85, 0.95]', () => {
    const report = join(dir, 'shipped-eval');
    const r = hft('eval', 'latency', '--report', report);
    expect(r.status, r.stderr).toBe(0);
    const e = JSON.parse(readFileSync(join(report, 'eval.json'), 'utf8'));
    expectContractShape(e);
    const best = Math.min(
      e.baselines.last.pinball.mean,
      e.baselines.ewma.pinball.mean,
      e.baselines.rolling.pinball.mean,
    );
    expect(e.model.pinball.mean).toBeLessThan(best);
    expect(e.model.coverage.p90).toBeGreaterThanOrEqual(0.85);
    expect(e.model.coverage.p90).toBeLessThanOrEqual(0.95);
    expect(Object.keys(e.by_venue)).toContain('IEX-SIM'); // the venue training never saw
    // The simulator's process is known: its causal filter with the configured parameters is
    // calibrated and beats the model; the shipped model closes at least half of the gap from the
    // EWMA to it (issue 12), with p90 coverage in [0.88, 0.92].
    expect(Math.abs(e.causal_filter.coverage.p90 - 0.9)).toBeLessThan(0.01);
    expect(e.causal_filter.pinball.mean).toBeLessThan(e.model.pinball.mean);
    expect(e.gap_closed.baseline).toBe('ewma');
    expect(e.gap_closed.mean).toBeGreaterThanOrEqual(0.5);
    expect(e.model.coverage.p90).toBeGreaterThanOrEqual(0.88);
    expect(e.model.coverage.p90).toBeLessThanOrEqual(0.92);
    // Same numbers as the training run recorded in metadata.json: the held-out set is fixed.
    const meta = JSON.parse(readFileSync(join(ROOT, 'models/latency/metadata.json'), 'utf8'));
    expect(e.model.pinball.mean).toBeCloseTo(meta.metrics.model.pinball.mean, 6);
  });
});
