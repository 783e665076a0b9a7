/**
 * Fuzzing recordings (`record.hftrec`, docs/recording-format.md) as `--source replay:` and
 * `hft backtest --data` read them: random bytes, truncations at any offset and corrupted bytes
 * give the frames that are intact and then either the end or a RecordingFormatError naming the
 * offset; never another error, never a hang (reading stops within the file's length), and a
 * replay of any readable file ends.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Registry } from '../../src/core/registry.js';
import { PREAMBLE_BYTES, RecordingFormatError } from '../../src/market/recording/recording-format.js';
import { RecordingReader } from '../../src/market/recording/recording-reader.js';
import { RecordingWriter } from '../../src/market/recording/recording-writer.js';
import { ReplaySource } from '../../src/market/recording/replay-source.js';
import { LatencySampleCodec, TickCodec, TickLayout } from '../../src/shm/records.js';

const REGISTRY = { symbols: ['AAPL', 'MSFT'], venues: ['A', 'B'] };
const dir = mkdtempSync(join(tmpdir(), 'hft-rec-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (bytes: Uint8Array) => {
  const p = join(dir, `f${n++}.hftrec`);
  writeFileSync(p, bytes);
  return p;
};

/** A valid recording: 40 ticks with a latency sample after every fifth. */
function validRecording(): Uint8Array {
  const p = join(dir, 'valid.hftrec');
  const w = new RecordingWriter(p, {
    registry: REGISTRY,
    source: 'sim',
    createdUtc: '2026-11-24T00:00:00.000Z',
  });
  for (let i = 0; i < 40; i++) {
    w.writeTick(
      Object.assign(TickCodec.create(), {
        seq: i + 1,
        exchTsNs: 1e6 * i,
        recvTsNs: 1e6 * i + 10,
        bidPx: 100,
        askPx: 100.02,
        bidQty: 5,
        askQty: 5,
        symbolId: i % 2,
        venueId: (i >> 1) % 2,
        flags: 1,
      }),
    );
    if (i % 5 === 4)
      w.writeLatencySample(
        Object.assign(LatencySampleCodec.create(), { tsNs: 1e6 * i, latencyNs: 300e3, venueId: 1, kind: 1 }),
      );
  }
  w.close();
  return new Uint8Array(readFileSync(p));
}
const VALID = validRecording();
const DATA_START = PREAMBLE_BYTES + new DataView(VALID.buffer).getUint32(8, true);

/** Reads every frame of `path`: frames read and the error that ended it (null at a clean end). */
function readAll(path: string): { frames: number; error: unknown } {
  const tick = TickCodec.create();
  const sample = LatencySampleCodec.create();
  let frames = 0;
  let reader: RecordingReader | null = null;
  try {
    reader = new RecordingReader(path, { chunkBytes: 2 * (1 + TickLayout.sizeBytes) });
    for (;;) {
      if (reader.next(tick, sample) === 0) return { frames, error: null };
      frames++;
      if (frames > VALID.length) throw new Error('reader did not stop: more frames than bytes');
    }
  } catch (error) {
    return { frames, error };
  } finally {
    reader?.close();
  }
}

function expectFormatErrorOrEnd(error: unknown): void {
  if (error === null) return;
  expect(error).toBeInstanceOf(RecordingFormatError);
  expect((error as Error).message).toMatch(/ at byte \d+: /);
  expect((error as RecordingFormatError).exitCode).toBe(2);
}

describe('recording fuzzing', () => {
  it('the valid recording reads back whole', () => {
    expect(readAll(file(VALID))).toEqual({ frames: 48, error: null });
  });

  it('random bytes, with or without a valid preamble, are refused with a RecordingFormatError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, withPreamble) => {
        const b = withPreamble ? Uint8Array.from([...VALID.subarray(0, PREAMBLE_BYTES), ...bytes]) : bytes;
        const { error } = readAll(file(b));
        expect(error).toBeInstanceOf(RecordingFormatError);
      }),
      { numRuns: 300 },
    );
  });

  it('a truncation anywhere keeps the intact frames and ends cleanly or with a RecordingFormatError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: VALID.length }), (cut) => {
        const { frames, error } = readAll(file(VALID.subarray(0, cut)));
        if (cut < DATA_START) expect(error).toBeInstanceOf(RecordingFormatError);
        else expectFormatErrorOrEnd(error);
        expect(frames).toBeLessThanOrEqual(48);
      }),
      { numRuns: 300 },
    );
  });

  it('corrupted bytes give a RecordingFormatError or frames, never another error or an endless read', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(VALID.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (flips) => {
          const b = VALID.slice();
          for (const [at, v] of flips) b[at] = v;
          const { error } = readAll(file(b));
          expectFormatErrorOrEnd(error);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a replay of a corrupted recording ends (speed 0), mapping or skipping every tick', () => {
    const registry = new Registry(REGISTRY);
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: DATA_START, max: VALID.length - 1 }), fc.integer({ min: 0, max: 255 })),
          { minLength: 1, maxLength: 16 },
        ),
        (flips) => {
          const b = VALID.slice();
          for (const [at, v] of flips) b[at] = v;
          let source: ReplaySource;
          try {
            source = ReplaySource.open(file(b), { registry, speed: 0 });
          } catch (err) {
            expect(err).toBeInstanceOf(RecordingFormatError);
            return;
          }
          const t = TickCodec.create();
          let polls = 0;
          try {
            while (source.nextDueNs() !== Number.POSITIVE_INFINITY) {
              if (source.poll(1, t)) {
                expect(t.symbolId >= 0 && t.symbolId < 2 && t.venueId >= 0 && t.venueId < 2).toBe(true);
              }
              expect(++polls).toBeLessThan(1000);
            }
          } catch (err) {
            expect(err).toBeInstanceOf(RecordingFormatError);
          } finally {
            source.close();
          }
          expect(
            source.replayedTicks + source.skippedUnknownSymbol + source.skippedUnknownVenue,
          ).toBeLessThanOrEqual(40 + 8);
        },
      ),
      { numRuns: 200 },
    );
  });
});
