import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingReader } from '../../src/market/recording/recording-reader.js';
import { LatencySampleCodec, TickCodec } from '../../src/shm/records.js';

const HFT = resolve(import.meta.dirname, '../../bin/hft.js');

function hft(args: string[]) {
  const r = spawnSync(process.execPath, [HFT, ...args], {
    env: { PATH: process.env.PATH },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return r;
}

/** Hash of the market data a recording holds (not the receive stamps, which are this run's clock). */
function tickStreamHash(path: string): { ticks: number; hash: string } {
  const reader = new RecordingReader(path);
  const t = TickCodec.create();
  const s = LatencySampleCodec.create();
  const h = createHash('sha256');
  let ticks = 0;
  for (let kind = reader.next(t, s); kind !== 0; kind = reader.next(t, s)) {
    if (kind !== 1) continue;
    ticks++;
    h.update(
      `${t.symbolId},${t.venueId},${t.exchTsNs},${t.bidPx},${t.askPx},${t.bidQty},${t.askQty},${t.lastPx},${t.lastQty},${t.flags}\n`,
    );
  }
  reader.close();
  return { ticks, hash: h.digest('hex') };
}

describe('hft record, then --source replay: twice', () => {
  it('a 10 s recording replays to identical tick streams both times', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hft-rec-'));
    const file = join(dir, 'ten-seconds.hftrec');
    const rec = hft(['record', '--mode', 'fast', '--duration', '10', '--out', file, '--log-level', 'quiet']);
    expect(rec.stdout).toMatch(/recorded \d+ ticks/);
    const original = tickStreamHash(file);
    expect(original.ticks).toBeGreaterThan(40_000); // fast mode: 5,000 ticks/s
    const replays = [1, 2].map((i) => {
      const report = join(dir, `replay-${i}`);
      hft([
        'run',
        '--mode',
        'fast',
        '--source',
        `replay:${file}`,
        '--speed',
        '0',
        '--duration',
        '60',
        '--metrics-port',
        '0',
        '--report',
        report,
        '--log-level',
        'quiet',
      ]);
      const summary = JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8'));
      expect(summary.source).toBe(`replay:${file}`);
      expect(summary.ticks.processed).toBe(original.ticks);
      expect(summary.duration_s).toBeLessThan(30); // ended with the recording, not the duration
      return tickStreamHash(join(report, 'record.hftrec'));
    });
    expect(replays[0]).toEqual(original);
    expect(replays[1]).toEqual(original);
  });

  it('refuses a missing recording with exit 2', () => {
    const r = spawnSync(
      process.execPath,
      [HFT, 'run', '--source', 'replay:/nonexistent.hftrec', '--duration', '1'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/--source: recording not found/);
  });
});
