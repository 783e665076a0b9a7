/**
 * Backpressure on the threaded pipeline (worker threads, shared rings): a one-second tick burst
 * far over what the pipeline can take. Ticks are conflated and counted, orders are never
 * dropped, and tick-to-order latency after the burst comes back to what it was before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tradeOftenWithoutLimits } from '../../bench/trading-load.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { Registry } from '../../src/core/registry.js';
import { JournalWriter } from '../../src/execution/journal-file.js';
import { JournalDrain } from '../../src/pipeline/journal-drain.js';
import { createPipelineHandles, settingsFromConfig } from '../../src/pipeline/pipeline-handles.js';
import { PipelineMetrics } from '../../src/run-state/pipeline-metrics.js';
import {
  type DurationHistogram,
  histogramDelta,
  snapshotHistogram,
} from '../../src/shm/duration-histogram.js';

const CONFIG_DIR = resolve(import.meta.dirname, '../../config');
/** The supervisor starts its workers from the compiled files beside it: use the built copy. */
const supervisorModule = (): Promise<typeof import('../../src/main/supervisor.js')> =>
  import(pathToFileURL(resolve(import.meta.dirname, '../../dist/src/main/supervisor.js')).href);
const BASE_RATE = 20_000;
const FACTOR = 500; // 10 M ticks/s for a second: far above what the threaded pipeline routes (~1.5-2 M/s here)
const BURST = { startS: 3, durationS: 1, factor: FACTOR };

interface Snap {
  tS: number;
  received: number;
  rejected: number;
  processed: number;
  conflated: number;
  routed: number;
  dropped: number;
  sent: number;
  t2o: DurationHistogram;
}

describe('backpressure: a tick burst on the threaded pipeline', () => {
  it('conflates and counts ticks, drops no order, and tick-to-order p99 recovers after the burst', async () => {
    const cfg = resolveConfig(
      { mode: 'fast', pipeline: 'threads', rate: String(BASE_RATE) },
      {},
      { configDir: CONFIG_DIR, cwd: '/' },
    );
    // Enough orders to measure (as the pipeline bench does), none refused for size.
    tradeOftenWithoutLimits(cfg);
    // No busy-spinning worker: the test compares latency before and after the burst, not its level,
    // and leaves the other core to the tests running beside it.
    cfg.system.busy_spin_host = null;
    const registry = new Registry({
      symbols: cfg.trading.symbols,
      venues: cfg.market.venues.map((v) => v.name),
    });
    const epochNs = process.hrtime.bigint();
    const nowNs = () => Number(process.hrtime.bigint() - epochNs);
    const settings = { ...settingsFromConfig(cfg), record: false, burst: BURST };
    const handles = createPipelineHandles(registry.toData(), settings, epochNs);
    const m = new PipelineMetrics(handles.metrics);
    const { Supervisor } = await supervisorModule();
    const sup = new Supervisor(handles, nowNs, 10_000);
    const faults: string[] = [];
    sup.on('fault', (f) => faults.push(`${f.host}: ${f.error.message}`));
    const dir = mkdtempSync(join(tmpdir(), 'hft-backpressure-'));
    const writer = new JournalWriter(join(dir, 'journal.hftj'), registry.toData(), null);
    const journal = new JournalDrain(handles.journal!, writer);
    const drainTimer = setInterval(() => journal.drain(), 5);
    const c = (n: string) => m.counters.byName(n);
    let t0 = 0;
    const snap = (): Snap => ({
      tS: (nowNs() - t0) / 1e9,
      received: c('ticks_received'),
      rejected: c('ticks_rejected'),
      processed: c('ticks_processed'),
      conflated: c('ticks_conflated'),
      routed: c('ticks_routed'),
      dropped: c('orders_dropped'),
      sent: c('orders_sent'),
      t2o: snapshotHistogram(m.hist.tick_to_order),
    });
    const at = async (s: number) => {
      const wait = t0 + s * 1e9 - nowNs();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait / 1e6));
      return snap();
    };
    try {
      await sup.start();
      t0 = nowNs();
      const beforeFrom = await at(1);
      const beforeTo = await at(2.9);
      const burstEnd = await at(BURST.startS + BURST.durationS + 0.1);
      const afterFrom = await at(5);
      const afterTo = await at(7);
      // Two more windows, judged only if the first was hit by a stall from other work (see below).
      const later = [await at(9), await at(11)];
      const window = (a: Snap, b: Snap) => {
        const h = histogramDelta(b.t2o, a.t2o).summaryUs();
        const s = b.tS - a.tS;
        return {
          seconds: s,
          ticksPerSec: Math.round((b.processed - a.processed) / s),
          conflated: b.conflated - a.conflated,
          orders: b.sent - a.sent,
          p50: h.p50,
          p99: h.p99,
        };
      };
      const before = window(beforeFrom, beforeTo);
      const burst = window(beforeTo, burstEnd);
      const after = window(afterFrom, afterTo);
      const laterWindows = [window(afterTo, later[0]), window(later[0], later[1])];
      const laterP99 = laterWindows.map((w) => w.p99);
      console.log(
        `backpressure (threads, ${BASE_RATE} ticks/s, burst x${FACTOR} for ${BURST.durationS}s):\n` +
          `  before: ${JSON.stringify(before)}\n  burst:  ${JSON.stringify(burst)}\n  after:  ${JSON.stringify(after)}`,
      );
      expect(faults).toEqual([]);
      // The burst was far over capacity: most of its ticks were conflated, and counted.
      const burstReceived = burstEnd.received - beforeTo.received;
      expect(burstReceived).toBeGreaterThan(0.5 * BASE_RATE * FACTOR * BURST.durationS);
      expect(burst.conflated).toBeGreaterThan(0.5 * burstReceived);
      // Ingest kept working through the burst: the ticks it handled (passed on, or conflated while
      // catching up: ingest-node.ts keeps only the newest per key when behind, so how many it passes
      // on depends on how far behind the machine's load puts it) far exceed the base rate.
      expect((burst.ticksPerSec * burst.seconds + burst.conflated) / burst.seconds).toBeGreaterThan(
        3 * BASE_RATE,
      );
      // Every tick received was refused, conflated or routed (give or take those in the ring).
      const end = later[1];
      const unaccounted = end.received - end.rejected - end.conflated - end.routed;
      expect(unaccounted).toBeGreaterThanOrEqual(0);
      expect(unaccounted).toBeLessThan(1000);
      // Orders are never dropped.
      expect(end.dropped).toBe(0);
      // After the burst: back to the base rate and to (almost) no conflation. On a quiet machine
      // none at all; when other work stalls the workers for tens of ms, a few percent, as before it.
      expect(after.conflated).toBeLessThan(0.25 * (afterTo.received - afterFrom.received));
      expect(after.conflated).toBeLessThan(burst.conflated / 100);
      expect(after.ticksPerSec).toBeGreaterThan(0.8 * BASE_RATE);
      expect(after.ticksPerSec).toBeLessThan(1.2 * BASE_RATE);
      expect(before.orders).toBeGreaterThan(100);
      expect(after.orders).toBeGreaterThan(100);
      // A 2-vCPU VM shared with other work: p99 varies ~2x run to run, and a single scheduling
      // stall of tens of ms (other builds) sets a window's p99 by itself. So latency must be back in
      // one of the three 2 s windows after the burst: p50 within 2x + 50 us, p99 within 3x or +2.5 ms.
      expect(Math.min(after.p50, ...laterWindows.map((w) => w.p50))).toBeLessThanOrEqual(2 * before.p50 + 50);
      const p99Bound = Math.max(3 * before.p99, before.p99 + 2500);
      console.log(
        `  p99 of the windows after: ${[after.p99, ...laterP99].join(', ')} us (bound ${p99Bound} us)`,
      );
      expect(Math.min(after.p99, ...laterP99)).toBeLessThanOrEqual(p99Bound);
    } finally {
      await sup.stop();
      clearInterval(drainTimer);
      journal.drain();
      writer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
