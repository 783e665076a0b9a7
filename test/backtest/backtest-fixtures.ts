/** Recordings for backtest tests, generated (seeded) rather than recorded, so they are the same every run. */
import { resolve } from 'node:path';
import { generateMarket } from '../../src/backtest/backtest-data.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { Random } from '../../src/core/random.js';
import { RecordingWriter } from '../../src/market/recording/recording-writer.js';
import { LatencyKind, LatencySampleCodec, TickCodec } from '../../src/shm/records.js';

export const CONFIG_DIR = resolve(import.meta.dirname, '../../config');

export function fastConfig() {
  return resolveConfig({ mode: 'fast' }, {}, { configDir: CONFIG_DIR, cwd: '/' });
}

/**
 * `seconds` of the fast-mode market at `rate` ticks/s, with an order->ack sample per venue every
 * 20 ms: the venue's base latency with a log-normal jitter and a 3 ms spike one time in 50.
 */
export function writeRecording(path: string, seconds = 10, rate = 5000, venues?: string[]): void {
  const cfg = fastConfig();
  const venueCfgs = venues
    ? cfg.market.venues.map((v, i) => ({ ...v, name: venues[i] ?? v.name }))
    : cfg.market.venues;
  const data = generateMarket({
    symbols: cfg.trading.symbols,
    venues: venueCfgs,
    ratePerSec: rate,
    seconds,
    seed: 5,
  });
  const w = new RecordingWriter(path, {
    registry: data.registry,
    source: 'sim',
    seed: 5,
    createdUtc: '2026-01-01T00:00:00Z',
  });
  const tick = TickCodec.create();
  const sample = LatencySampleCodec.create();
  const rng = new Random(99);
  let nextSampleNs = 0;
  for (let i = 0; i < data.ticks.length; i++) {
    data.ticks.read(i, tick);
    w.writeTick(tick);
    if (tick.recvTsNs < nextSampleNs) continue;
    nextSampleNs = tick.recvTsNs + 20e6;
    venueCfgs.forEach((v, venueId) => {
      const spike = rng.next() < 0.02 ? 3e6 : 0;
      Object.assign(sample, {
        tsNs: tick.recvTsNs,
        venueId,
        kind: LatencyKind.orderAck,
        orderQty: 100,
        latencyNs: v.latency.base_us * 1e3 * Math.exp(0.2 * rng.normal()) + spike,
      });
      w.writeLatencySample(sample);
    });
  }
  w.close();
}
