import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { stolenShare } from '../venues/venue-test-kit.js';

const ROOT = resolve(import.meta.dirname, '../..');
const HFT = resolve(ROOT, 'bin/hft.js');

describe('hft venues + hft run --source venues: (trading over real sockets)', () => {
  it('trades end to end, and order_to_ack per venue reflects the configured latencies', async () => {
    const venues = spawn(process.execPath, [HFT, 'venues', '--port', '0', '--mode', 'fast'], {
      env: { PATH: process.env.PATH },
    });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let out = '';
        venues.stdout.on('data', (d) => {
          out += d;
          const m = /--source (venues:ws:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolveUrl(m[1]);
        });
        venues.on('exit', (code) => reject(new Error(`hft venues exited ${code}`)));
        setTimeout(() => reject(new Error(`no URL from hft venues: ${out}`)), 15_000);
      });
      const report = mkdtempSync(join(tmpdir(), 'hft-venues-'));
      const busyBefore = stolenShare(200) > 0.02 || loadavg()[0] > cpus().length;
      const run = spawnSync(
        process.execPath,
        [
          HFT,
          'run',
          '--mode',
          'fast',
          '--source',
          url,
          '--duration',
          '6',
          '--metrics-port',
          '0',
          '--report',
          report,
          '--log-level',
          'quiet',
        ],
        { env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.status, run.stderr).toBe(0);
      const summary = JSON.parse(readFileSync(join(report, 'summary.json'), 'utf8'));
      expect(summary.ticks.processed).toBeGreaterThan(1000);
      expect(summary.orders.sent).toBeGreaterThan(20);
      expect(summary.orders.acked).toBeGreaterThanOrEqual(summary.orders.sent - 5);
      expect(summary.orders.filled).toBeGreaterThan(0);
      const cfg = resolveConfig({ mode: 'fast' }, {}, { configDir: join(ROOT, 'config'), cwd: '/' });
      const byVenue = summary.latency_us.order_to_ack_by_venue as Record<
        string,
        { p50: number; count: number }
      >;
      // The latency bound is judged only when nothing else was fighting for the 2 cores (as in
      // test/execution/ws-venue-gateway.test.ts): under outside load, event loops add milliseconds.
      const busy = busyBefore || stolenShare(200) > 0.02 || loadavg()[0] > cpus().length;
      if (busy) console.warn('venues e2e: machine busy, order->ack p50 only sanity checked (< base + 5 ms)');
      for (const v of cfg.market.venues) {
        if (byVenue[v.name].count < 10) continue; // a venue the router rarely picked
        // Measured over real sockets between two processes: never faster than the configured
        // median round trip, and at most a millisecond of socket and event-loop time above it.
        expect(byVenue[v.name].p50, v.name).toBeGreaterThan(0.9 * v.latency.base_us);
        expect(byVenue[v.name].p50, v.name).toBeLessThan(v.latency.base_us + (busy ? 5000 : 1000));
      }
      // The ticks really came over the sockets: the venue servers quote ~1,000/s, where the
      // embedded simulator of fast mode would have produced 5,000/s.
      expect(summary.duration_s).toBeGreaterThan(5);
      expect(summary.ticks.per_sec).toBeGreaterThan(500);
      expect(summary.ticks.per_sec).toBeLessThan(2000);
    } finally {
      venues.kill('SIGTERM');
    }
  });
});
