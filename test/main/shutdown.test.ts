/**
 * SIGTERM: trading halts, open orders are cancelled (system.on_shutdown: cancel) or left to the
 * journal (leave), the journal and summary.json are written, and the process exits 0 promptly.
 * The market-making strategy keeps quotes resting, so there are open orders when the signal lands.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayJournal } from '../../src/execution/journal-replay.js';

const HFT = resolve(import.meta.dirname, '../../bin/hft.js');

async function runUntilSigterm(onShutdown: 'cancel' | 'leave', signals: NodeJS.Signals[] = ['SIGTERM']) {
  const dir = mkdtempSync(join(tmpdir(), 'hft-sigterm-'));
  const config = join(dir, 'mm.yaml');
  writeFileSync(
    config,
    // Quotes 5 bps from the mid rest (the venues' spreads are ~0.5-0.8 bps): open orders at the signal.
    `trading:\n  strategy:\n    name: market-making\n    quote_ttl_ms: 5000\n    half_spread_bps: 5\nsystem:\n  on_shutdown: ${onShutdown}\n`,
  );
  const report = join(dir, 'run');
  const child = spawn(
    process.execPath,
    [
      HFT,
      'run',
      '--mode',
      'fast',
      '--duration',
      '120',
      '--metrics-port',
      '0',
      ...(signals.length > 1 ? [] : ['--skip-backtest']),
      '--config',
      config,
      '--report',
      report,
    ],
    { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  // Trade until the first progress lines show orders, then ask it to stop.
  const deadline = Date.now() + 60_000;
  while (!/orders [1-9]/.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1000));
  const signalledAt = Date.now();
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  for (const [i, sig] of signals.entries()) {
    if (i > 0) await new Promise((r) => setTimeout(r, 150));
    child.kill(sig);
  }
  const code = await exited;
  const summary = JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8'));
  return { code, exitMs: Date.now() - signalledAt, summary, journal: join(report, 'journal.hftj'), stderr };
}

describe('shutdown on SIGTERM', () => {
  it('cancels every open order, flushes the journal and exits 0 within seconds', async () => {
    const { code, exitMs, summary, journal, stderr } = await runUntilSigterm('cancel');
    expect(code).toBe(0);
    // An orderly stop is not a fault: no breaker warning for it.
    expect(stderr).not.toMatch(/circuit breaker tripped: shutdown/);
    expect(stderr).toMatch(/trading halted for shutdown/);
    expect(exitMs).toBeLessThan(8000);
    expect(summary.shutdown.policy).toBe('cancel');
    expect(summary.shutdown.open_orders_at_halt).toBeGreaterThan(0);
    expect(summary.shutdown.open_orders_left).toBe(0);
    expect(summary.orders.cancelled).toBeGreaterThan(0);
    expect(replayJournal(journal).openOrders).toEqual([]);
  }, 90_000);

  it('with on_shutdown: leave, hands the open orders to the journal for --recover', async () => {
    const { code, summary, journal } = await runUntilSigterm('leave');
    expect(code).toBe(0);
    expect(summary.shutdown.policy).toBe('leave');
    expect(summary.shutdown.open_orders_left).toBeGreaterThan(0);
    expect(replayJournal(journal).openOrders.length).toBe(summary.shutdown.open_orders_left);
  }, 90_000);

  it('Ctrl-C twice: says what it skips, cuts the wait, skips the backtest, still writes summary.json, exits 0', async () => {
    const { code, exitMs, summary, stderr } = await runUntilSigterm('cancel', ['SIGINT', 'SIGINT']);
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(8000);
    expect(stderr).toMatch(
      /second signal: not waiting for the venues to answer the cancels, skipping the backtest phase; summary\.json is still written/,
    );
    expect(summary.backtest).toBeNull();
    expect(summary.shutdown.policy).toBe('cancel');
    expect(summary.orders.sent).toBeGreaterThan(0);
  }, 90_000);
});

describe('Ctrl-C during the backtest phase', () => {
  it('stops at once and leaves the run summary written before the backtest started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hft-sigint-backtest-'));
    const report = join(dir, 'run');
    const child = spawn(
      process.execPath,
      [HFT, 'run', '--mode', 'production', '--duration', '4', '--metrics-port', '0', '--report', report],
      { env: { PATH: process.env.PATH, HFT_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
      child.on('exit', (code, signal) => r({ code, signal })),
    );
    const deadline = Date.now() + 60_000;
    while (!stderr.includes('backtest phase: summary.json is written') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const signalledAt = Date.now();
    child.kill('SIGINT');
    const { code, signal } = await exited;
    expect(code === 130 || signal === 'SIGINT', `code ${code} signal ${signal}`).toBe(true);
    expect(Date.now() - signalledAt).toBeLessThan(2000);
    const summary = JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8'));
    expect(summary.backtest).toBeNull();
    expect(summary.orders.sent).toBeGreaterThan(0);
  }, 90_000);
});
