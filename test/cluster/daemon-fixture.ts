/** `hft run --cluster` daemons as child processes, for the cluster tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const HFT = resolve(import.meta.dirname, '../../bin/hft.js');

export interface DaemonOptions {
  servers: string[];
  shard: string;
  symbols: string[];
  durationS: number;
  /** A YAML file with the test's cluster and trading settings. */
  config: string;
  report: string;
  recover?: boolean;
  /** Simulated ticks/s; each pipeline carries every symbol, so the default is kept low for 2 cores. */
  rate?: number;
}

export function daemonArgs(o: DaemonOptions): string[] {
  return [
    ...[HFT, 'run', '--mode', 'fast', '--pipeline', 'inline', '--config', o.config],
    ...['--duration', String(o.durationS), '--skip-backtest', '--no-record', '--metrics-port', '0'],
    // HFT_TEST_DAEMON_LOG=debug: the daemons' stack traces in a failure's output.
    ...[
      '--log-level',
      process.env.HFT_TEST_DAEMON_LOG ?? 'quiet',
      '--symbols',
      o.symbols.join(','),
      '--cluster',
      o.servers.join(','),
    ],
    ...['--shard', o.shard, '--report', o.report, ...(o.recover ? ['--recover', 'cluster'] : [])],
    ...['--rate', String(o.rate ?? 2000)],
  ];
}

export interface Exit {
  code: number | null;
  signal: string | null;
  stderr: string;
}

export function startDaemon(o: DaemonOptions): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, daemonArgs(o), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  // Warnings and errors (the quiet level) go to stdout as log lines: kept with stderr for failures.
  child.stdout?.on('data', (d) => {
    stderr += d;
  });
  const exit = new Promise<Exit>((r) => child.on('exit', (code, signal) => r({ code, signal, stderr })));
  return { child, exit };
}

// biome-ignore lint/suspicious/noExplicitAny: summary.json is read as the JSON it is
export function summaryOf(report: string): any {
  return JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8'));
}
