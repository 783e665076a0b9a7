/**
 * A real `hft run` daemon for end-to-end tests: compiled dist/, random free port, its own report
 * directory, stopped with SIGTERM (a clean stop, exit 0) or killed if it will not stop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const HFT = resolve(ROOT, 'bin/hft.js');

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface Daemon {
  port: number;
  url: string;
  reportDir: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Starts `hft run --mode fast` and resolves once `/health` is 200. No worker busy-spins (these
 * tests watch monitoring, not latency), so the daemon leaves the other core to parallel tests.
 */
export async function startDaemon(durationS: number, extraArgs: string[] = []): Promise<Daemon> {
  const port = await freePort();
  const reportDir = mkdtempSync(join(tmpdir(), 'hft-daemon-'));
  const config = join(reportDir, 'daemon.yaml');
  writeFileSync(config, 'system:\n  busy_spin_host: null\n');
  const args = [
    HFT,
    'run',
    '--config',
    config,
    '--mode',
    'fast',
    '--duration',
    String(durationS),
    '--metrics-port',
    String(port),
    '--skip-backtest',
    '--report',
    reportDir,
    ...extraArgs,
  ];
  const child = spawn(process.execPath, args, { cwd: reportDir, env: { PATH: process.env.PATH } });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  child.stdout?.resume();
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (graceMs = 20_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  try {
    const state = await waitFor(
      'the daemon to serve /health with every worker up',
      async () => {
        if (child.exitCode !== null) return 'exited';
        return (await fetch(`${url}/health`)).status === 200 ? 'up' : undefined;
      },
      45_000,
    );
    if (state === 'exited') throw new Error(`the daemon exited with code ${child.exitCode} before it was up`);
  } catch (err) {
    await stop(2000);
    throw new Error(`${(err as Error).message}\n${stderr.slice(-2000)}`);
  }
  return { port, url, reportDir, child, stderr: () => stderr, stop };
}
