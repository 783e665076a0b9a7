/**
 * A real Prometheus (Debian's `prometheus` package) scrapes a running daemon: promtool accepts the
 * scrape and the shipped config, and PromQL over the scraped series sees ticks flowing.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type Daemon, freePort, startDaemon, waitFor } from '../daemon-process.js';
import { findTool, missingToolNote } from './system-tools.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PROMTOOL = findTool('promtool');
const PROMETHEUS = findTool('prometheus');
const skipNote = !PROMTOOL
  ? missingToolNote('promtool', 'prometheus')
  : !PROMETHEUS
    ? missingToolNote('prometheus', 'prometheus')
    : null;
if (skipNote) console.warn(`[prometheus.test] skipped: ${skipNote}`);

interface PromVector {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

describe.skipIf(skipNote !== null)('Prometheus scraping a running daemon', () => {
  let daemon: Daemon;
  let prometheus: ChildProcess | null = null;
  let promLog = '';

  beforeAll(async () => {
    daemon = await startDaemon(90);
  }, 90_000);

  afterAll(async () => {
    const p = prometheus;
    if (p && p.exitCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
    }
    // SIGTERM is the daemon's clean stop: it still writes its summary and exits 0.
    if (daemon) expect(await daemon.stop()).toBe(0);
  }, 60_000);

  it('promtool check metrics accepts a real scrape of the daemon', async () => {
    const scrape = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(scrape).toContain('hft_ticks_total{venue=');
    const r = spawnSync(PROMTOOL!, ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });

  it('promtool check config accepts the shipped deploy/prometheus*.yml', () => {
    for (const file of ['deploy/prometheus.yml', 'deploy/prometheus.local.yml']) {
      const r = spawnSync(PROMTOOL!, ['check', 'config', resolve(ROOT, file)], { encoding: 'utf8' });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it('a real Prometheus scrapes it and rate(hft_ticks_total[15s]) is positive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hft-prometheus-'));
    // The shipped config, pointed at this daemon's port.
    const config = parse(readFileSync(resolve(ROOT, 'deploy/prometheus.local.yml'), 'utf8'));
    const job = config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'hft-router');
    expect(job.static_configs[0].targets).toEqual(['127.0.0.1:8080']);
    expect(job.scrape_interval).toBe('1s');
    job.static_configs[0].targets = [`127.0.0.1:${daemon.port}`];
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    const promPort = await freePort();
    prometheus = spawn(PROMETHEUS!, [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ]);
    prometheus.stderr?.on('data', (d) => {
      promLog += d;
    });
    const query = async (promql: string) => {
      const url = `http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(promql)}`;
      const body = (await (await fetch(url)).json()) as PromVector;
      expect(body.status).toBe('success');
      return body.data.result;
    };
    const up = await waitFor(
      'Prometheus to scrape the daemon (up == 1)',
      async () => {
        if (prometheus?.exitCode !== null) throw new Error(`prometheus exited: ${promLog}`);
        const r = await query('up{job="hft-router"}');
        return r.length > 0 && r[0].value[1] === '1' ? r : undefined;
      },
      60_000,
      500,
    );
    expect(up[0].metric.instance).toBe(`127.0.0.1:${daemon.port}`);
    const rates = await waitFor(
      'a positive rate(hft_ticks_total[15s])',
      async () => {
        // Wait for a rate over several scrapes on every venue: the first two samples of a fresh
        // series can give a rate on one venue only, or a small one.
        const r = await query('rate(hft_ticks_total[15s])');
        const total = r.reduce((a, s) => a + Number(s.value[1]), 0);
        return r.length === 3 && r.every((s) => Number(s.value[1]) > 0) && total > 500 ? r : undefined;
      },
      60_000,
      500,
    );
    // One series per venue, ticks flowing on each; fast mode runs ~5000 ticks/s in all.
    expect(rates.map((s) => s.metric.venue).sort()).toEqual(['BATS-SIM', 'NASDAQ-SIM', 'NYSE-SIM']);
    const total = rates.reduce((a, s) => a + Number(s.value[1]), 0);
    expect(total).toBeGreaterThan(500);
    // A histogram quantile works on the scraped buckets too.
    const p99 = await query(
      'histogram_quantile(0.99, sum by (le) (rate(hft_tick_to_order_seconds_bucket[15s])))',
    );
    expect(Number(p99[0]?.value[1])).toBeGreaterThan(0);
  }, 180_000);
});
