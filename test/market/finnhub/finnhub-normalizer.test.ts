import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Registry } from '../../../src/core/registry.js';
import {
  FINNHUB_REJECT_REASONS,
  FinnhubNormalizer,
  FrameKind,
  MAX_FRAME_CHARS,
} from '../../../src/market/finnhub/finnhub-normalizer.js';
import { type Tick, TickCodec, TickFlag } from '../../../src/shm/records.js';

const SYMBOLS = ['AAPL', 'MSFT', 'BINANCE:BTCUSDT', 'A'];
const VENUE_ID = 2;
const registry = new Registry({ symbols: SYMBOLS, venues: ['sim-a', 'sim-b', 'finnhub'] });

function normalizer(fastPath = true): FinnhubNormalizer {
  return new FinnhubNormalizer(registry, { venueId: VENUE_ID, fastPath });
}

/** Normalises one frame and returns copies of the emitted ticks. */
function run(n: FinnhubNormalizer, frame: string, recvTsNs = 42): Tick[] {
  const out: Tick[] = [];
  const emitted = n.normalize(frame, recvTsNs, (t) => out.push(TickCodec.copy(t, TickCodec.create())));
  expect(emitted).toBe(out.length);
  return out;
}

function rejectCounts(n: FinnhubNormalizer): Record<string, number> {
  return Object.fromEntries(Object.entries(n.rejects).filter(([, v]) => v > 0));
}

/** The tick a valid trade must become (seq aside). */
function expected(symbolId: number, p: number, tMs: number, v: number, recvTsNs = 42) {
  return {
    symbolId,
    venueId: VENUE_ID,
    flags: TickFlag.trade,
    lastPx: p,
    lastQty: v,
    bidPx: 0,
    askPx: 0,
    bidQty: 0,
    askQty: 0,
    exchTsNs: tMs * 1e6,
    recvTsNs,
    ingestTsNs: 0,
  };
}

describe('FinnhubNormalizer', () => {
  it('turns a multi-trade frame into one trade tick per trade, on the scanner path', () => {
    const n = normalizer();
    const frame =
      '{"data":[{"c":["1","12"],"p":190.12,"s":"AAPL","t":1700000000123,"v":100},' +
      '{"c":null,"p":411.5,"s":"MSFT","t":1700000000124,"v":7},' +
      '{"p":37001.25,"s":"BINANCE:BTCUSDT","t":1700000000125,"v":0.0153}],"type":"trade"}';
    const ticks = run(n, frame, 9_000);
    expect(ticks).toEqual([
      { ...expected(0, 190.12, 1700000000123, 100, 9_000), seq: 1 },
      { ...expected(1, 411.5, 1700000000124, 7, 9_000), seq: 2 },
      { ...expected(2, 37001.25, 1700000000125, 0.0153, 9_000), seq: 3 },
    ]);
    expect(n.lastKind).toBe(FrameKind.trade);
    expect(n.slowFrames).toBe(0);
    expect(n.ticks).toBe(3);
    expect(rejectCounts(n)).toEqual({});
  });

  it('accepts the documented key order, JSON whitespace and v = 0 (a price update without volume)', () => {
    const n = normalizer();
    const frame =
      ' { "type" : "trade" ,\n "data" : [ { "s" : "A" , "p" : 0.5 , "t" : 0 , "v" : 0 , "c" : [ ] } ] }\r\n';
    expect(run(n, frame)).toMatchObject([expected(3, 0.5, 0, 0)]);
    expect(n.slowFrames).toBe(0);
  });

  it('reads pings and empty trade lists as frames without ticks', () => {
    const n = normalizer();
    expect(run(n, '{"type":"ping"}')).toEqual([]);
    expect(n.lastKind).toBe(FrameKind.ping);
    expect(run(n, '{"data":[],"type":"trade"}')).toEqual([]);
    expect(n.lastKind).toBe(FrameKind.trade);
    expect(n.slowFrames).toBe(0);
    expect(rejectCounts(n)).toEqual({});
  });

  it('hands error frames to the caller with the server text', () => {
    const n = normalizer();
    expect(run(n, '{"type":"error","msg":"Subscribing to too many symbols"}')).toEqual([]);
    expect(n.lastKind).toBe(FrameKind.error);
    expect(n.lastErrorMsg).toBe('Subscribing to too many symbols');
    expect(rejectCounts(n)).toEqual({});
  });

  it('falls back to JSON.parse for escapes, exponents and long mantissas, with the same values', () => {
    const n = normalizer();
    const frame =
      '{"data":[{"s":"A\\u0041PL","p":1.9012e2,"t":1700000000123,"v":12345678901234567}],"type":"trade"}';
    expect(run(n, frame)).toMatchObject([expected(0, 190.12, 1700000000123, 12345678901234568)]);
    expect(n.slowFrames).toBe(1);
  });

  it.each([
    ['malformed', '{"data":[{"s":"AAPL","p":1,'],
    ['malformed', ''],
    ['malformed', '[]'],
    ['malformed', 'null'],
    ['malformed', '{"data":[]}'],
    ['malformed', '{"type":7}'],
    ['malformed', '{"type":"trade","data":{}}'],
    ['malformed', '{"type":"trade"} trailing'],
    ['unknown_message', '{"type":"news","data":[]}'],
    ['missing_field', '{"type":"trade","data":[{"s":"AAPL","p":1,"t":1}]}'],
    ['missing_field', '{"type":"trade","data":[{"s":"AAPL","p":"1","t":1,"v":1}]}'],
    ['missing_field', '{"type":"trade","data":[null]}'],
    ['unknown_symbol', '{"type":"trade","data":[{"s":"TSLA","p":1,"t":1,"v":1}]}'],
    ['bad_price', '{"type":"trade","data":[{"s":"AAPL","p":0,"t":1,"v":1}]}'],
    ['bad_price', '{"type":"trade","data":[{"s":"AAPL","p":-3.5,"t":1,"v":1}]}'],
    ['bad_price', '{"type":"trade","data":[{"s":"AAPL","p":1e999,"t":1,"v":1}]}'],
    ['bad_quantity', '{"type":"trade","data":[{"s":"AAPL","p":1,"t":1,"v":-1}]}'],
    ['bad_timestamp', '{"type":"trade","data":[{"s":"AAPL","p":1,"t":-5,"v":1}]}'],
  ])('counts %s for %s, emits nothing and does not throw', (reason, frame) => {
    for (const fast of [true, false]) {
      const n = normalizer(fast);
      expect(run(n, frame)).toEqual([]);
      expect(rejectCounts(n)).toEqual({ [reason]: 1 });
    }
  });

  it('refuses an oversized frame without parsing it', () => {
    const n = normalizer();
    const big = `{"type":"trade","data":[${'{"s":"AAPL","p":1,"t":1,"v":1},'.repeat(3000)}]}`;
    expect(big.length).toBeGreaterThan(MAX_FRAME_CHARS);
    expect(run(n, big)).toEqual([]);
    expect(rejectCounts(n)).toEqual({ oversized: 1 });
  });

  it('drops only the bad trades of a frame and keeps the rest', () => {
    const n = normalizer();
    const frame =
      '{"data":[{"s":"NOPE","p":1,"t":1,"v":1},{"s":"AAPL","p":2,"t":2,"v":2},' +
      '{"s":"MSFT","p":0,"t":3,"v":3},{"s":"MSFT","p":4,"t":4,"v":4}],"type":"trade"}';
    expect(run(n, frame)).toMatchObject([expected(0, 2, 2, 2), expected(1, 4, 4, 4)]);
    expect(rejectCounts(n)).toEqual({ unknown_symbol: 1, bad_price: 1 });
  });

  it('lists every reason it counts among the pipeline tick reject reasons', async () => {
    const { TICK_REJECT_REASONS } = await import('../../../src/run-state/pipeline-metrics.js');
    for (const r of FINNHUB_REJECT_REASONS) expect(TICK_REJECT_REASONS).toContain(r);
  });
});

/** Runs both paths on `frame` and returns what each emitted and counted. */
function bothPaths(frame: string) {
  const fast = normalizer(true);
  const slow = normalizer(false);
  return {
    fast: { ticks: run(fast, frame), rejects: rejectCounts(fast), kind: fast.lastKind },
    slow: { ticks: run(slow, frame), rejects: rejectCounts(slow), kind: slow.lastKind },
  };
}

const symbolArb = fc.oneof(fc.constantFrom(...SYMBOLS), fc.string({ maxLength: 6 }));
const tradeArb = fc.record(
  {
    s: symbolArb,
    p: fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: 1, max: 1e6 }).map((c) => c / 100),
    ),
    t: fc.oneof(fc.integer({ min: 0, max: 2e12 }), fc.integer({ min: -5, max: 5 })),
    v: fc.oneof(fc.nat(1e6), fc.double({ min: -10, max: 1e6, noNaN: true }), fc.constant(0)),
    c: fc.oneof(fc.constant(null), fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 })),
  },
  { requiredKeys: ['s', 'p', 't', 'v'] },
);
const frameArb = fc.record({
  data: fc.array(tradeArb, { maxLength: 5 }),
  type: fc.constant('trade'),
});

describe('FinnhubNormalizer properties', () => {
  it('never throws on arbitrary text, and the scanner agrees with JSON.parse', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), (frame) => {
        const r = bothPaths(frame);
        expect(r.fast).toEqual(r.slow);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with JSON.parse on Finnhub-like frames with one character changed, added or removed', () => {
    const mutated = fc
      .tuple(
        frameArb,
        fc.nat(),
        fc.constantFrom('', ' ', '"', ',', '}', ']', '0', '-', '.', 'e', '\\', 'x'),
        fc.nat(1),
      )
      .map(([f, at, ch, drop]) => {
        const s = JSON.stringify(f);
        const i = at % (s.length + 1);
        return s.slice(0, i) + ch + s.slice(i + drop);
      });
    fc.assert(
      fc.property(mutated, (frame) => {
        const r = bothPaths(frame);
        expect(r.fast).toEqual(r.slow);
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips generated trade frames to the expected ticks and rejection counts', () => {
    fc.assert(
      fc.property(frameArb, (f) => {
        const n = normalizer();
        const text = JSON.stringify(f);
        const ticks = run(n, text);
        // Expectations from what went on the wire (JSON has no -0, so -0 arrives as 0).
        const sent = JSON.parse(text) as typeof f;
        const want: ReturnType<typeof expected>[] = [];
        const rejects: Record<string, number> = {};
        for (const tr of sent.data) {
          const id = registry.symbolId(tr.s);
          const reason =
            id < 0
              ? 'unknown_symbol'
              : !(tr.p > 0)
                ? 'bad_price'
                : !(tr.v >= 0)
                  ? 'bad_quantity'
                  : !(tr.t >= 0)
                    ? 'bad_timestamp'
                    : null;
          if (reason === null) want.push(expected(id, tr.p, tr.t, tr.v));
          else rejects[reason] = (rejects[reason] ?? 0) + 1;
        }
        expect(ticks.map(({ seq: _, ...t }) => t)).toEqual(want);
        expect(rejectCounts(n)).toEqual(rejects);
      }),
      { numRuns: 2000 },
    );
  });
});
