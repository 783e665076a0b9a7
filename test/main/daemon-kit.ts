/** Helpers for tests that run `hft` (any command) as a child process: venue servers, scrapes (see also ../daemon-process.ts). */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const HFT = resolve(ROOT, 'bin/hft.js');

export { freePort } from '../daemon-process.js';

/** A child `hft` process with its output collected and its exit awaited. */
export interface HftChild {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

export function spawnHft(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): HftChild {
  const child = spawn(process.execPath, [HFT, ...args], { cwd, env: { PATH: process.env.PATH, ...env } });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exited };
}

/** `hft venues --port 0` and the port it printed. */
export async function spawnVenues(args: string[] = []): Promise<HftChild & { port: number }> {
  const v = spawnHft(['venues', '--port', '0', ...args]);
  const port = await poll(
    () => {
      const m = /--source venues:ws:\/\/127\.0\.0\.1:(\d+)/.exec(v.out());
      return m ? Number(m[1]) : null;
    },
    20_000,
    () => `no URL from hft venues: ${v.out()} ${v.err()}`,
  );
  return { ...v, port };
}

/** Resolves with `f()`'s first non-null value; polls every 50 ms, rejects after `timeoutMs`. */
export async function poll<T>(
  f: () => T | null | Promise<T | null>,
  timeoutMs: number,
  what: () => string,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Value of one sample (`name{labels} value`) of a Prometheus text scrape, 0 when absent. */
export function metricValue(text: string, name: string, labels: string): number {
  const prefix = `${name}{${labels}} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? 0 : Number(line.slice(prefix.length));
}

/** GET a JSON body, or null while the server is not answering yet. */
export async function getJson<T>(url: string): Promise<T | null> {
  try {
    return (await (await fetch(url)).json()) as T;
  } catch {
    return null;
  }
}
