/**
 * A replay survives a truncated recording and an ingest crash: the intact frames are replayed and
 * the run ends normally with one warning; a restarted ingest continues after the last tick its
 * predecessor published, so no tick is traded twice.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingReader } from '../../src/market/recording/recording-reader.js';
import { LatencySampleCodec, TickCodec } from '../../src/shm/records.js';
import { HFT, ROOT } from './daemon-kit.js';

const dir = mkdtempSync(join(tmpdir(), 'hft-replay-faults-'));
const rec = join(dir, 'two-seconds.hftrec');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hft(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [HFT, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 90_000,
    env: { PATH: process.env.PATH, ...env },
  });
}

/** Ticks in the recording's intact frames (a partial last frame is not counted). */
function intactTicks(file: string): number {
  const r = new RecordingReader(file);
  const t = TickCodec.create();
  const s = LatencySampleCodec.create();
  let n = 0;
  try {
    for (let k = r.next(t, s); k !== 0; k = r.next(t, s)) if (k === 1) n++;
  } catch {
    // the partial frame
  }
  r.close();
  return n;
}

/** One key per tick in a recording: symbol, venue, exchange stamp and sequence number. */
function marketEvents(file: string): string[] {
  const r = new RecordingReader(file);
  const t = TickCodec.create();
  const s = LatencySampleCodec.create();
  const keys: string[] = [];
  for (let k = r.next(t, s); k !== 0; k = r.next(t, s))
    if (k === 1) keys.push(`${t.symbolId},${t.venueId},${t.exchTsNs},${t.bidPx},${t.askPx}`);
  r.close();
  return keys;
}

function replay(file: string, report: string, env: NodeJS.ProcessEnv = {}) {
  return hft(
    ['run', '--mode', 'fast', '--source', `replay:${file}`, '--duration', '30', '--metrics-port', '0'].concat(
      ['--skip-backtest', '--report', report],
    ),
    env,
  );
}

beforeAll(() => {
  const r = hft(['record', '--mode', 'fast', '--duration', '2', '--out', rec, '--log-level', 'quiet']);
  expect(r.status, r.stderr).toBe(0);
});

describe('replay of a damaged recording, and a crashed ingest', () => {
  it('a recording cut off mid-frame replays its intact frames and ends normally with one warning', () => {
    const cut = join(dir, 'cut.hftrec');
    const bytes = readFileSync(rec);
    const keep = Math.floor(bytes.length * 0.6);
    writeFileSync(cut, bytes.subarray(0, keep));
    // Make sure the cut falls inside a frame.
    const whole = intactTicks(cut);
    expect(whole).toBeGreaterThan(1000);
    const report = join(dir, 'cut-report');
    const r = replay(cut, report);
    expect(r.status, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('partial frame'));
    expect(warnings).toHaveLength(1);
    const summary = JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8'));
    expect(summary.ticks.received).toBe(whole);
    expect(summary.reliability.worker_restarts).toBe(0);
    expect(summary.replay.truncated_bytes).toBeGreaterThan(0);
  });

  it('an ingest killed mid-replay is restarted and continues where it was: no tick twice', () => {
    const ticks = intactTicks(rec);
    const report = join(dir, 'kill-report');
    const r = replay(rec, report, { HFT_CHAOS: 'kill:ingest@1' });
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8'));
    expect(summary.reliability.worker_restarts).toBe(1);
    // `received` counts reads: ticks the killed ingest had read but not yet published are read
    // again by its successor (at most one poll's worth, BATCH = 256). No tick reached the pipeline twice: the run's own recording (what ingest accepted) has no
    // repeated market event (a restarted ingest starts with no history, so it would accept one).
    const accepted = marketEvents(join(report, 'record.hftrec'));
    expect(accepted.length).toBeGreaterThan(ticks - 600);
    expect(new Set(accepted).size).toBe(accepted.length);
    // At most what one poll had read and not yet published is lost in the crash.
    expect(summary.ticks.received).toBeGreaterThan(ticks - 600);
    expect(summary.ticks.received).toBeLessThanOrEqual(ticks + 256);
    expect(statSync(join(report, 'summary.json')).size).toBeGreaterThan(0);
  });
});
