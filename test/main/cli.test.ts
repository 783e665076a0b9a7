import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const HFT = resolve(ROOT, 'bin/hft.js');

function hft(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [HFT, ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'hft-cli-')),
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Sum of every sample of `name` (any labels) in a Prometheus text scrape. */
function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe('hft CLI usage errors exit 2 with one line naming the problem', () => {
  it.each([
    [['run', '--config', 'missing.yaml'], /--config.*missing\.yaml/],
    [['run', '--mode', 'turbo'], /--mode.*turbo/],
    [['--duration', '-1'], /--duration.*-1/],
    [['run', '--symbols', ''], /--symbols.*symbol/],
    [['run', '--pipeline', 'quantum'], /--pipeline/],
    [['run', '--bogus-flag'], /unknown option/],
    [['bactest'], /^hft: unknown command "bactest" \(did you mean backtest\?\); commands: run, backtest, /],
    [['florp'], /^hft: unknown command "florp"; commands: run, /],
  ])('hft %j', (args, pattern) => {
    const r = hft(args);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('hft --version prints the package version, exit 0', () => {
    const r = hft(['--version']);
    expect(r.status).toBe(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('reports a bad environment value with the variable name, exit 2', () => {
    const r = hft(['run', '--duration', '1'], { MAX_POSITION_SIZE: '-5' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/trading\.max_position_size.*MAX_POSITION_SIZE/);
  });

  it('prints the stack only at --log-level debug', () => {
    const r = hft(['run', '--mode', 'turbo', '--log-level', 'debug']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--mode/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('hft run --mode fast --duration 5 (end to end, threaded pipeline)', () => {
  it('trades on the simulated market, serves moving metrics, and writes summary.json', async () => {
    const port = await freePort();
    const report = mkdtempSync(join(tmpdir(), 'hft-e2e-'));
    const args = [
      HFT,
      'run',
      '--mode',
      'fast',
      '--duration',
      '5',
      '--metrics-port',
      String(port),
      '--report',
      report,
    ];
    const child: ChildProcess = spawn(process.execPath, args, {
      cwd: report,
      env: { PATH: process.env.PATH },
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    await new Promise((r) => setTimeout(r, 2500));
    const first = await scrape();
    await new Promise((r) => setTimeout(r, 1500));
    const second = await scrape();
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { workers: unknown[] }).workers).toHaveLength(5);

    expect(await exited, stderr).toBe(0);
    for (const name of ['hft_ticks_total', 'hft_orders_total', 'hft_tick_to_order_seconds_count']) {
      expect(metricSum(second, name), name).toBeGreaterThan(metricSum(first, name));
    }
    expect(second).toContain('# TYPE hft_tick_to_order_seconds histogram');
    expect(second).toContain('process_cpu_seconds_total');

    const summary = JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8'));
    expect(summary.mode).toBe('fast');
    expect(summary.ticks.processed).toBeGreaterThan(10_000);
    expect(summary.orders.sent).toBeGreaterThan(0);
    expect(summary.orders.filled).toBeGreaterThan(0);
    const t2o = summary.latency_us.tick_to_order;
    expect(t2o.count).toBe(summary.orders.sent);
    for (const p of ['p50', 'p95', 'p99', 'p999', 'max']) expect(t2o[p], p).toBeGreaterThan(0);
    expect(t2o.p50).toBeLessThanOrEqual(t2o.p99);
    expect(summary.latency_us.order_to_ack.p50).toBeGreaterThan(100);
    expect(Object.keys(summary.routing.by_venue)).toEqual(summary.venues);
    expect(summary.pnl.total).toBeCloseTo(
      summary.pnl.realized + summary.pnl.unrealized - summary.pnl.fees,
      1,
    );
    // The backtest phase replayed this run's own recording.
    expect(summary.backtest.orders.sent).toBeGreaterThan(0);
    expect(summary.backtest.data).toBe(join(report, 'record.hftrec'));
    expect(readFileSync(join(report, 'report.html'), 'utf8')).toMatch(/<svg/);
    expect(stdout).toMatch(/ticks .* processed/);
    expect(stdout).toMatch(/\[\s+\d+s\] ticks/);
  });
});

describe('kill switch and resume over HTTP (end to end)', () => {
  it('needs the bearer token, halts trading, shows in /health and metrics, and resumes', async () => {
    const port = await freePort();
    const report = mkdtempSync(join(tmpdir(), 'hft-kill-'));
    const args = [
      HFT,
      'run',
      '--mode',
      'fast',
      '--duration',
      '4',
      '--metrics-port',
      String(port),
      '--report',
      report,
    ];
    const child = spawn(process.execPath, args, {
      cwd: report,
      env: { PATH: process.env.PATH, HFT_ADMIN_TOKEN: 's3cret-token' },
    });
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const url = `http://127.0.0.1:${port}`;
    // Poll until the daemon answers (a fixed sleep failed when other work slowed its start-up).
    for (let end = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 50))) {
      if (
        await fetch(`${url}/health`).then(
          () => true,
          () => false,
        )
      )
        break;
      if (Date.now() > end || child.exitCode !== null) throw new Error(`daemon did not answer: ${stderr}`);
    }
    expect((await fetch(`${url}/kill`, { method: 'POST' })).status).toBe(401);
    const wrong = await fetch(`${url}/kill`, { method: 'POST', headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const auth = { authorization: 'Bearer s3cret-token' };
    expect((await fetch(`${url}/kill`, { method: 'POST', headers: auth })).status).toBe(200);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as { trading_state: string; breakers: Record<string, boolean> };
    expect(body.trading_state).toBe('halted');
    expect(body.breakers.kill_switch).toBe(true);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/hft_circuit_breaker_open\{breaker="kill_switch"\} 1/);
    const resumed = await fetch(`${url}/resume`, { method: 'POST', headers: auth });
    expect(await resumed.json()).toEqual({ reset: ['kill_switch'] });
    expect(((await (await fetch(`${url}/health`)).json()) as { trading_state: string }).trading_state).toBe(
      'active',
    );
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/kill switch: cancelling open orders, trading halted/);
    expect(stderr).toMatch(/trading resumed by operator/);
    expect(stderr).not.toContain('s3cret-token');
    const summary = JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8'));
    expect(summary.risk.rejections.halted).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(summary)).not.toContain('s3cret-token');
  });
});
