/**
 * `hft run` refuses at start-up, with one line and exit 2, what its source does not serve (a
 * symbol the simulated market has no price for, a symbol the recording lacks, a venue the venue
 * server does not serve), and a refused run leaves no report folder behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { venuesListUrl } from '../../src/main/venue-source-check.js';
import { freePort, HFT, ROOT, spawnVenues } from './daemon-kit.js';

const dir = mkdtempSync(join(tmpdir(), 'hft-preflight-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const report = join(dir, `r${Math.random().toString(36).slice(2)}`);
  const r = spawnSync(
    process.execPath,
    [HFT, 'run', '--duration', '2', '--metrics-port', '0', '--skip-backtest', '--report', report, ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, ...env } },
  );
  return { ...r, reportMade: existsSync(report) };
}

describe('hft run refuses what its source does not serve', () => {
  it('a symbol the simulated market has no price for', () => {
    const r = run(['--mode', 'fast', '--symbols', 'AAPL,ZZZQ']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^hft: config trading\.symbols: ZZZQ: the simulated market has no price for it \(built in: AAPL, .*\); calibrate it first with hft history --symbols ZZZQ/,
    );
    expect(r.reportMade).toBe(false);
  });

  it('a symbol the recording does not hold', () => {
    const rec = join(dir, 'aapl.hftrec');
    const made = spawnSync(
      process.execPath,
      [
        HFT,
        'record',
        '--mode',
        'fast',
        '--duration',
        '1',
        '--symbols',
        'AAPL',
        '--out',
        rec,
        '--log-level',
        'quiet',
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(made.status, made.stderr).toBe(0);
    const r = run(['--mode', 'fast', '--symbols', 'AAPL,MSFT', '--source', `replay:${rec}`]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      'hft: config trading.symbols: MSFT: the recording has only AAPL, NYSE-SIM, NASDAQ-SIM, BATS-SIM; replay it in the mode it was recorded in (--mode), or choose --symbols',
    );
    expect(r.reportMade).toBe(false);
  });

  it('a venue the venue server does not serve, and an unreachable venue server', async () => {
    const venues = await spawnVenues(['--mode', 'fast']);
    try {
      const url = `venues:ws://127.0.0.1:${venues.port}`;
      const r = run(['--mode', 'production', '--source', url]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(
        /^hft: config --source: ws:\/\/127\.0\.0\.1:\d+ does not serve IEX-SIM, AMZN, NVDA, META, TSLA, JPM \(it serves NYSE-SIM, NASDAQ-SIM, BATS-SIM; symbols AAPL, MSFT, GOOGL\); give hft venues and hft run the same --mode/,
      );
      expect(r.reportMade).toBe(false);
    } finally {
      venues.child.kill('SIGTERM');
      await venues.exited;
    }
    const port = await freePort();
    const r = run(['--mode', 'fast', '--source', `venues:ws://127.0.0.1:${port}`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /cannot ask the venue server at http:\/\/127\.0\.0\.1:\d+\/venues what it serves .*start it first/,
    );
  });

  it('hft venues and hft run default to the same mode', async () => {
    const venues = await spawnVenues();
    try {
      const res = await fetch(`http://127.0.0.1:${venues.port}/venues`);
      const served = (await res.json()) as { venues: string[]; symbols: string[] };
      expect(served.venues).toEqual(['NYSE-SIM', 'NASDAQ-SIM', 'BATS-SIM', 'IEX-SIM']);
      expect(served.symbols).toHaveLength(8);
    } finally {
      venues.child.kill('SIGTERM');
      await venues.exited;
    }
  });

  it('asks the server over http for ws and https for wss', () => {
    expect(venuesListUrl('venues:ws://127.0.0.1:9330')).toBe('http://127.0.0.1:9330/venues');
    expect(venuesListUrl('venues:wss://venue.example:443/x')).toBe('https://venue.example/venues');
  });
});
