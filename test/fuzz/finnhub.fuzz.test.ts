/**
 * Fuzzing the Finnhub normaliser across frames (test/market/finnhub/finnhub-normalizer.test.ts
 * fuzzes single frames): garbage, oversized and half-valid frames interleaved with good ones
 * leave no trace. Every good frame gives exactly the ticks a fresh normaliser gives it, every
 * frame is counted once, and a trade is emitted only from a frame that scanned cleanly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Registry } from '../../src/core/registry.js';
import {
  FinnhubNormalizer,
  FrameKind,
  MAX_FRAME_CHARS,
} from '../../src/market/finnhub/finnhub-normalizer.js';
import { type Tick, TickCodec } from '../../src/shm/records.js';

const SYMBOLS = ['AAPL', 'MSFT', 'BINANCE:BTCUSDT'];
const registry = new Registry({ symbols: SYMBOLS, venues: ['finnhub'] });
const normalizer = () => new FinnhubNormalizer(registry, { venueId: 0 });

const trade = fc.record({
  s: fc.constantFrom(...SYMBOLS),
  p: fc.integer({ min: 1, max: 10_000_000 }).map((c) => c / 100),
  t: fc.integer({ min: 1, max: 2e12 }),
  v: fc.integer({ min: 0, max: 1_000_000 }),
});
const good = fc
  .array(trade, { minLength: 1, maxLength: 4 })
  .map((data) => JSON.stringify({ data, type: 'trade' }));
const bad = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  // A good frame cut short, or with junk spliced in: must not half-emit.
  fc
    .tuple(good, fc.nat(), fc.constantFrom('', '"', ']', '}', ',', 'x', '{"s":'))
    .map(([f, at, s]) => f.slice(0, at % f.length) + s),
  fc.constant(`{"type":"trade","data":[${'{"s":"AAPL","p":1,"t":1,"v":1},'.repeat(3000)}]}`),
  fc.constantFrom('{"type":"ping"}', '{"type":"error","msg":"bad"}', '{"type":"trade","data":[]}'),
);

function ticksOf(n: FinnhubNormalizer, frame: string): Tick[] {
  const out: Tick[] = [];
  n.normalize(frame, 42, (t) => out.push(TickCodec.copy(t, TickCodec.create())));
  return out;
}
const strip = (ts: Tick[]) => ts.map(({ seq: _seq, ...rest }) => rest);

describe('Finnhub normaliser fuzzing: sequences', () => {
  it('garbage between good frames leaves no trace: good frames normalise as on a fresh normaliser', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            good.map((f) => ({ good: true, f })),
            bad.map((f) => ({ good: false, f })),
          ),
          { maxLength: 30 },
        ),
        (frames) => {
          const n = normalizer();
          let seq = 0;
          let emitted = 0;
          for (const { good: isGood, f } of frames) {
            const ticks = ticksOf(n, f);
            emitted += ticks.length;
            for (const t of ticks) expect(t.seq).toBe(++seq); // sequence numbers never skip or repeat
            if (isGood) {
              expect(n.lastKind).toBe(FrameKind.trade);
              expect(strip(ticks)).toEqual(strip(ticksOf(normalizer(), f)));
            } else if (n.lastKind === FrameKind.rejected) {
              expect(ticks).toEqual([]);
            }
          }
          expect(n.frames).toBe(frames.length);
          expect(n.ticks).toBe(emitted);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('an oversized frame is refused whole, whatever it holds', () => {
    const n = normalizer();
    const huge = `{"type":"trade","data":[${'{"s":"AAPL","p":1,"t":1,"v":1},'.repeat(MAX_FRAME_CHARS / 20)}{"s":"AAPL","p":1,"t":1,"v":1}]}`;
    expect(huge.length).toBeGreaterThan(MAX_FRAME_CHARS);
    expect(ticksOf(n, huge)).toEqual([]);
    expect(n.rejects.oversized).toBe(1);
    expect(strip(ticksOf(n, '{"type":"trade","data":[{"s":"MSFT","p":2.5,"t":7,"v":3}]}'))).toHaveLength(1);
  });
});
