/**
 * Backtest replay speed: events (ticks + latency samples) per second through every stage on one
 * thread (ingest, predict, route, risk, execute and the backtest exchange). The market is
 * generated once (config/fast.yaml venues, 3 symbols); each repetition backtests it afresh. Also
 * times a bare pass over the same ticks (read each record once) as the floor any replay pays.
 *
 *   npm run build && node dist/bench/backtest.bench.js [--seconds 60] [--rate 20000] [--reps 5]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateMarket } from '../src/backtest/backtest-data.js';
import { runBacktest } from '../src/backtest/backtest-engine.js';
import { resolveConfig } from '../src/config/resolve-config.js';
import { TickCodec } from '../src/shm/records.js';
import { type BenchReport, isMainModule, printReport, sig } from './bench-report.js';

const CONFIG_DIR = resolve(import.meta.dirname, '../../config');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function run(
  opts: { seconds?: number; rate?: number; reps?: number } = {},
): Promise<BenchReport & { eventsPerSec: number }> {
  const seconds = opts.seconds ?? 60;
  const rate = opts.rate ?? 20_000;
  const reps = opts.reps ?? 5;
  const cfg = resolveConfig({ mode: 'fast' }, {}, { configDir: CONFIG_DIR, cwd: '/' });
  const data = generateMarket({
    symbols: cfg.trading.symbols,
    venues: cfg.market.venues,
    ratePerSec: rate,
    seconds,
    seed: 11,
  });
  const rates: number[] = [];
  let orders = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = runBacktest(cfg, data);
    const s = (performance.now() - t0) / 1e3;
    rates.push(r.events / s);
    orders = r.result.summary.orders.sent;
  }
  const tick = TickCodec.create();
  const bare: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    let sum = 0;
    for (let k = 0; k < data.ticks.length; k++) {
      data.ticks.read(k, tick);
      sum += tick.bidPx;
    }
    if (sum === 0) throw new Error('unreachable');
    bare.push(data.ticks.length / ((performance.now() - t0) / 1e3));
  }
  const eventsPerSec = median(rates);
  return {
    name: `backtest replay: ${data.ticks.length.toLocaleString()} ticks (${seconds} s at ${rate}/s), ${orders} orders, ${reps} runs`,
    eventsPerSec,
    rows: [
      {
        'events/s (median)': Math.round(eventsPerSec),
        'events/s (min)': Math.round(Math.min(...rates)),
        'events/s (max)': Math.round(Math.max(...rates)),
        'bare read ticks/s (median)': Math.round(median(bare)),
        'share of bare speed': sig(eventsPerSec / median(bare)),
      },
    ],
  };
}

if (isMainModule(import.meta.url)) {
  const { values } = parseArgs({
    options: { seconds: { type: 'string' }, rate: { type: 'string' }, reps: { type: 'string' } },
  });
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  printReport(await run({ seconds: num(values.seconds), rate: num(values.rate), reps: num(values.reps) }));
}
