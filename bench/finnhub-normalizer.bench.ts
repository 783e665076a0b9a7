/**
 * FinnhubNormalizer on one thread: typical trade frames in Finnhub's own key order (data first,
 * type last), 1 and 3 trades per frame, through the scanner and through the JSON.parse path it
 * falls back to. Each op normalises OP_FRAMES frames, cycling through FRAME_VARIANTS distinct
 * texts (different prices, volumes, symbols) so nothing is served from a single cached string.
 *
 * messages/s = OP_FRAMES x ops/s, with ops/s = 1000 / mean ms per op (so GC pauses count).
 * The product target is >= 500,000 messages/s (TARGET_MESSAGES_PER_S).
 *
 *   npm run build && node dist/bench/finnhub-normalizer.bench.js
 */
import { Bench } from 'tinybench';
import { Registry } from '../src/core/registry.js';
import { FinnhubNormalizer } from '../src/market/finnhub/finnhub-normalizer.js';
import type { Tick } from '../src/shm/records.js';
import { type BenchReport, isMainModule, latencyOf, printReport, sig } from './bench-report.js';

const OP_FRAMES = 1024;
const FRAME_VARIANTS = 256;
const TARGET_MESSAGES_PER_S = 500_000;
const SYMBOLS = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'NVDA', 'META', 'TSLA', 'BINANCE:BTCUSDT'];

/** Frames as Finnhub sends them: conditions present or null, integer and fractional volumes. */
function frames(tradesPerFrame: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < FRAME_VARIANTS; i++) {
    const data = [];
    for (let k = 0; k < tradesPerFrame; k++) {
      const j = i * tradesPerFrame + k;
      data.push({
        c: j % 3 === 0 ? null : ['1', '12'],
        p: Math.round((100 + (j % 977) * 0.37) * 100) / 100,
        s: SYMBOLS[j % SYMBOLS.length],
        t: 1_700_000_000_000 + j,
        v: j % 5 === 0 ? 0 : (j % 400) + 0.5,
      });
    }
    out.push(JSON.stringify({ data, type: 'trade' }));
  }
  return out;
}

interface Case {
  normalizer: FinnhubNormalizer;
  frames: string[];
  tradesPerFrame: number;
  next: number;
  /** Checksum of emitted prices, so the work cannot be optimised away. */
  sum: number;
  ticks: number;
}

export async function run(): Promise<BenchReport> {
  const registry = new Registry({ symbols: SYMBOLS, venues: ['finnhub'] });
  const bench = new Bench({ time: 1500, warmupTime: 300, throws: true });
  const cases = new Map<string, Case>();
  const variants: [string, number, boolean][] = [
    ['1-trade frame, scanner', 1, true],
    ['3-trade frame, scanner', 3, true],
    ['1-trade frame, JSON.parse path', 1, false],
    ['3-trade frame, JSON.parse path', 3, false],
  ];
  for (const [name, tradesPerFrame, fastPath] of variants) {
    const c: Case = {
      normalizer: new FinnhubNormalizer(registry, { venueId: 0, fastPath }),
      frames: frames(tradesPerFrame),
      tradesPerFrame,
      next: 0,
      sum: 0,
      ticks: 0,
    };
    const sink = (t: Tick) => {
      c.sum += t.lastPx;
      c.ticks++;
    };
    cases.set(name, c);
    bench.add(name, () => {
      for (let i = 0; i < OP_FRAMES; i++) {
        c.normalizer.normalize(c.frames[c.next], i, sink);
        c.next = (c.next + 1) & (FRAME_VARIANTS - 1);
      }
    });
  }
  await bench.run();

  const rows = bench.tasks.map((task) => {
    const lat = latencyOf(task);
    const c = cases.get(task.name)!;
    const n = c.normalizer;
    const rejected = Object.values(n.rejects).reduce((a, b) => a + b, 0);
    if (rejected > 0 || c.ticks !== n.frames * c.tradesPerFrame || !(c.sum > 0)) {
      throw new Error(`${task.name}: ${rejected} rejected, ${c.ticks} ticks from ${n.frames} frames`);
    }
    const messagesPerS = (OP_FRAMES * 1000) / lat.mean;
    return {
      task: task.name,
      'trades/frame': c.tradesPerFrame,
      'messages/s': sig(messagesPerS),
      'messages/s (median op)': sig((OP_FRAMES * 1000) / lat.p50),
      'ticks/s': sig(messagesPerS * c.tradesPerFrame),
      'ns/message': sig((lat.mean * 1e6) / OP_FRAMES),
      'p99 ns/message': sig((lat.p99 * 1e6) / OP_FRAMES),
      'slow-path frames': n.slowFrames === n.frames ? 'all' : n.slowFrames,
      '>= 500k/s': messagesPerS >= TARGET_MESSAGES_PER_S ? 'yes' : 'NO',
      samples: lat.samples,
    };
  });
  return { name: `FinnhubNormalizer, one thread (${OP_FRAMES} frames per op)`, rows };
}

if (isMainModule(import.meta.url)) printReport(await run());
