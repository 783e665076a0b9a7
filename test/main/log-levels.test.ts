/**
 * --log-level: each level prints more than the one below it (quiet: warnings only; normal: the run's
 * milestones; verbose: configuration, workers, pipeline stats; debug: every counter); pretty lines
 * on a terminal, JSON elsewhere; secrets never appear, at any level.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logFormat } from '../../src/core/logger.js';
import { prettyLine } from '../../src/core/pretty-log-stream.js';
import { HFT, ROOT } from './daemon-kit.js';

const dir = mkdtempSync(join(tmpdir(), 'hft-log-levels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runAt(level: string, format = 'json') {
  const r = spawnSync(
    process.execPath,
    [HFT, 'run', '--mode', 'fast', '--duration', '2', '--skip-backtest', '--metrics-port', '0'].concat([
      '--log-level',
      level,
      '--report',
      join(dir, level + format),
    ]),
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH, HFT_LOG_FORMAT: format, FINNHUB_API_KEY: 'sekrit-key-123' },
    },
  );
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).not.toContain('sekrit-key-123');
  return r.stderr.split('\n').filter((l) => l.length > 0);
}

describe('log levels', () => {
  it('each level adds lines of its own', () => {
    const levels = (lines: string[]) => new Set(lines.map((l) => (JSON.parse(l) as { level: number }).level));
    const quiet = runAt('quiet');
    const normal = runAt('normal');
    const verbose = runAt('verbose');
    const debug = runAt('debug');
    // Quiet prints warnings and errors only (a venue breaker that opens under load is one).
    expect([...levels(quiet)].every((l) => l >= 40)).toBe(true);
    expect(quiet.some((l) => l.includes('"msg":"starting pipeline"'))).toBe(false);
    expect([...levels(normal)]).toEqual([30]);
    expect(normal.some((l) => l.includes('"msg":"starting pipeline"'))).toBe(true);
    expect(levels(verbose).has(20)).toBe(true);
    for (const msg of ['resolved configuration', 'worker started', 'host built', 'pipeline stats'])
      expect(
        verbose.some((l) => l.includes(`"msg":"${msg}"`)),
        msg,
      ).toBe(true);
    expect(levels(debug).has(10)).toBe(true);
    expect(debug.some((l) => l.includes('"msg":"counters"'))).toBe(true);
    expect(verbose.length).toBeGreaterThan(normal.length);
  });

  it('prints human lines when the format is pretty (a terminal), with no JSON', () => {
    const lines = runAt('normal', 'pretty');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^\d\d:\d\d:\d\d\.\d{3} (INFO |WARN |ERROR|DEBUG|TRACE) /);
    expect(lines.some((l) => /INFO {2}starting pipeline {2}mode=fast pipeline=threads/.test(l))).toBe(true);
  });

  it('chooses pretty on a terminal and JSON elsewhere unless HFT_LOG_FORMAT says', () => {
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({}, false)).toBe('json');
    expect(logFormat({ HFT_LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat({ HFT_LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
    expect(
      prettyLine('{"level":40,"time":0,"app":"hft","msg":"venue breaker open","venue":"NYSE-SIM","n":2}'),
    ).toMatch(/^\d\d:\d\d:\d\d\.000 WARN {2}venue breaker open {2}venue=NYSE-SIM n=2\n$/);
    expect(prettyLine('not json')).toBe('not json\n');
  });
});
