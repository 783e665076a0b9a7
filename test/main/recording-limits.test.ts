/**
 * Recording is bounded and optional: system.record_max_mb caps record.hftrec at whole frames (one
 * warning, the rest counted), and --no-record writes none and skips the backtest phase.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingReader } from '../../src/market/recording/recording-reader.js';
import { RecordingWriter } from '../../src/market/recording/recording-writer.js';
import { LatencySampleCodec, TickCodec } from '../../src/shm/records.js';
import { HFT, ROOT } from './daemon-kit.js';

const dir = mkdtempSync(join(tmpdir(), 'hft-rec-limit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const report = join(dir, `r${Math.random().toString(36).slice(2)}`);
  const r = spawnSync(
    process.execPath,
    [HFT, 'run', '--mode', 'fast', '--duration', '2', '--metrics-port', '0', '--report', report, ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: 90_000, env: { PATH: process.env.PATH, HFT_LOG_FORMAT: 'json' } },
  );
  expect(r.status, r.stderr).toBe(0);
  return {
    report,
    stderr: r.stderr,
    summary: JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8')),
  };
}

describe('recording limits', () => {
  it('the writer stops at maxBytes on a frame boundary and the file reads back whole', () => {
    const file = join(dir, 'capped.hftrec');
    const w = new RecordingWriter(file, {
      registry: { symbols: ['AAPL'], venues: ['A'] },
      source: 'sim',
      seed: 1,
      maxBytes: 20_000,
    });
    const tick = TickCodec.create();
    let accepted = 0;
    for (let i = 0; i < 1000; i++) {
      tick.exchTsNs = i;
      if (w.writeTick(tick)) accepted++;
    }
    w.close();
    expect(accepted).toBeGreaterThan(100);
    expect(accepted).toBeLessThan(1000);
    expect(w.refusedAtLimit).toBe(1000 - accepted);
    expect(statSync(file).size).toBeLessThanOrEqual(20_000);
    const r = new RecordingReader(file);
    const s = LatencySampleCodec.create();
    let read = 0;
    while (r.next(tick, s) !== 0) read++; // throws on a partial frame
    r.close();
    expect(read).toBe(accepted);
  });

  it("system.record_max_mb caps a run's recording with one warning; the run goes on", () => {
    const cfg = join(dir, 'small.yaml');
    writeFileSync(cfg, 'system:\n  record_max_mb: 0.05\n');
    const { report, stderr, summary } = run(['--config', cfg, '--skip-backtest']);
    expect(statSync(join(report, 'record.hftrec')).size).toBeLessThanOrEqual(0.05 * 1024 * 1024);
    expect(summary.recording.dropped_at_limit).toBeGreaterThan(0);
    expect(summary.recording.max_mb).toBe(0.05);
    expect(
      stderr.split('\n').filter((l) => l.includes('recording reached system.record_max_mb')),
    ).toHaveLength(1);
    expect(summary.ticks.processed).toBeGreaterThan(summary.recording.ticks);
  });

  it('--no-record writes no recording and skips the backtest phase', () => {
    const { report, summary } = run(['--no-record']);
    expect(existsSync(join(report, 'record.hftrec'))).toBe(false);
    expect(summary.recording.file).toBeNull();
    expect(summary.backtest).toBeNull();
    expect(summary.orders.sent).toBeGreaterThan(0);
  });
});
