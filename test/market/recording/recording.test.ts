import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { asVenueId } from '../../../src/core/ids.js';
import { Registry } from '../../../src/core/registry.js';
import {
  createHeader,
  encodeHeader,
  FrameKind,
  PREAMBLE_BYTES,
  RECORDING_FORMAT_VERSION,
  RecordingFormatError,
} from '../../../src/market/recording/recording-format.js';
import { RecordingReader } from '../../../src/market/recording/recording-reader.js';
import { RecordingWriter } from '../../../src/market/recording/recording-writer.js';
import { ReplaySource } from '../../../src/market/recording/replay-source.js';
import { SimMarket } from '../../../src/market/sim-market.js';
import type { RecordLayout, RecordOf } from '../../../src/shm/record-layout.js';
import {
  type LatencySample,
  LatencySampleCodec,
  LatencySampleLayout,
  type Tick,
  TickCodec,
  TickLayout,
} from '../../../src/shm/records.js';
import { venue } from '../../fixtures.js';

const REGISTRY = { symbols: ['AAPL', 'MSFT'], venues: ['A', 'B', 'C'] };
const TICK_FRAME = 1 + TickLayout.sizeBytes;
let dir = '';
let fileNo = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hftrec-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tmpFile(): string {
  return join(dir, `r${fileNo++}.hftrec`);
}

/** fast-check's double() includes NaN, +-Infinity, -0 and subnormals. */
function recordArb<L extends RecordLayout>(layout: L): fc.Arbitrary<RecordOf<L>> {
  const shape: Record<string, fc.Arbitrary<number>> = {};
  for (const f of layout.fields) {
    shape[f.name] = f.type === 'f64' ? fc.double() : fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
  }
  return fc.record(shape) as unknown as fc.Arbitrary<RecordOf<L>>;
}

type TickEntry = { kind: 1; rec: Tick };
type Entry = TickEntry | { kind: 2; rec: LatencySample };
const entryArb: fc.Arbitrary<Entry> = fc.oneof(
  recordArb(TickLayout).map((rec) => ({ kind: 1 as const, rec })),
  recordArb(LatencySampleLayout).map((rec) => ({ kind: 2 as const, rec })),
);

function expectSame(layout: RecordLayout, got: RecordOf<RecordLayout>, want: RecordOf<RecordLayout>): void {
  for (const f of layout.fields) {
    if (!Object.is(got[f.name], want[f.name])) {
      throw new Error(`${layout.name}.${f.name}: wrote ${want[f.name]}, read ${got[f.name]}`);
    }
  }
}

function tickAt(seq: number, recvTsNs: number, symbolId = 0, venueId = 0): Tick {
  const t = TickCodec.create();
  Object.assign(t, { seq, exchTsNs: recvTsNs - 500, recvTsNs, bidPx: 100, askPx: 100.01, symbolId, venueId });
  return t;
}

function sampleAt(tsNs: number, venueId = 0, latencyNs = 1000): LatencySample {
  const s = LatencySampleCodec.create();
  Object.assign(s, { tsNs, latencyNs, venueId, kind: 1 });
  return s;
}

function writeFile(path: string, entries: readonly Entry[], registry = REGISTRY): void {
  const w = new RecordingWriter(path, { registry, source: 'test' });
  for (const e of entries) {
    if (e.kind === FrameKind.tick) w.writeTick(e.rec);
    else w.writeLatencySample(e.rec);
  }
  w.close();
}

function expectFormatError(fn: () => unknown, offset: number, text: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RecordingFormatError);
    const e = err as RecordingFormatError;
    expect(e.offsetBytes).toBe(offset);
    expect(e.message).toContain(`at byte ${offset}`);
    expect(e.message).toContain(e.file);
    expect(e.message).toContain(text);
    return;
  }
  throw new Error('expected a RecordingFormatError');
}

describe('RecordingWriter and RecordingReader', () => {
  it('round-trip any ticks and samples bit for bit, across chunk and flush boundaries', () => {
    const tick = TickCodec.create();
    const sample = LatencySampleCodec.create();
    fc.assert(
      fc.property(
        fc.array(entryArb, { maxLength: 200 }),
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: 2 * TICK_FRAME, max: 4096 }),
        (entries, flushBytes, chunkBytes) => {
          const path = tmpFile();
          const w = new RecordingWriter(path, { registry: REGISTRY, source: 'sim', flushBytes });
          for (const e of entries) {
            if (e.kind === FrameKind.tick) w.writeTick(e.rec);
            else w.writeLatencySample(e.rec);
          }
          expect(w.records).toBe(entries.length);
          w.close();
          const r = new RecordingReader(path, { chunkBytes });
          for (const e of entries) {
            const kind = r.next(tick, sample);
            expect(kind).toBe(e.kind);
            if (e.kind === FrameKind.tick) expectSame(TickLayout, tick, e.rec);
            else expectSame(LatencySampleLayout, sample, e.rec);
          }
          expect(r.next(tick, sample)).toBe(0);
          expect(r.next(tick, sample)).toBe(0);
          r.close();
          rmSync(path);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes the documented preamble and a header the reader returns', () => {
    const path = tmpFile();
    const w = new RecordingWriter(path, {
      registry: REGISTRY,
      source: 'sim',
      seed: 42,
      createdUtc: '2026-01-02T03:04:05.000Z',
    });
    w.close();
    w.close();
    expect(() => w.writeTick(TickCodec.create())).toThrow(/closed/);
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 6).toString('ascii')).toBe('HFTREC');
    expect(bytes.readUInt16LE(6)).toBe(RECORDING_FORMAT_VERSION);
    const headerLength = bytes.readUInt32LE(8);
    expect(bytes.length).toBe(PREAMBLE_BYTES + headerLength);
    const r = new RecordingReader(path);
    expect(r.dataOffset).toBe(PREAMBLE_BYTES + headerLength);
    expect(r.header).toEqual({
      version: RECORDING_FORMAT_VERSION,
      created_utc: '2026-01-02T03:04:05.000Z',
      registry: REGISTRY,
      layouts: {
        Tick: TickLayout.fields.map(({ name, type, offset }) => ({ name, type, offset })),
        LatencySample: LatencySampleLayout.fields.map(({ name, type, offset }) => ({ name, type, offset })),
      },
      source: 'sim',
      seed: 42,
    });
    expect(r.header.layouts.Tick[12]).toEqual({ name: 'flags', type: 'i32', offset: 88 });
    expect(r.next(TickCodec.create(), LatencySampleCodec.create())).toBe(0);
    r.close();
  });

  it('flushes to the file in chunks of about 64 KiB before close', () => {
    const path = tmpFile();
    const w = new RecordingWriter(path, { registry: REGISTRY, source: 'test' });
    const headerBytes = statSync(path).size;
    const t = tickAt(1, 1);
    const perFlush = Math.ceil((64 * 1024) / TICK_FRAME);
    for (let i = 0; i < perFlush - 1; i++) w.writeTick(t);
    expect(statSync(path).size).toBe(headerBytes);
    w.writeTick(t);
    expect(statSync(path).size).toBe(headerBytes + perFlush * TICK_FRAME);
    w.writeTick(t);
    w.close();
    expect(statSync(path).size).toBe(headerBytes + (perFlush + 1) * TICK_FRAME);
  });

  it('reads 200k records across many chunk boundaries', () => {
    const path = tmpFile();
    const n = 200_000;
    const w = new RecordingWriter(path, { registry: REGISTRY, source: 'test' });
    const t = TickCodec.create();
    const s = LatencySampleCodec.create();
    for (let i = 0; i < n; i++) {
      if (i % 3 === 2) {
        s.tsNs = i;
        s.latencyNs = i * 0.5;
        s.venueId = asVenueId(i % 3);
        w.writeLatencySample(s);
      } else {
        t.seq = i;
        t.bidPx = i / 7;
        t.flags = i | 0;
        w.writeTick(t);
      }
    }
    w.close();
    const r = new RecordingReader(path, { chunkBytes: 64 * 1024 + 13 });
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const kind = r.next(t, s);
      if (i % 3 === 2) {
        if (kind !== 2 || s.tsNs !== i || s.latencyNs !== i * 0.5 || s.venueId !== i % 3) bad++;
      } else if (kind !== 1 || t.seq !== i || t.bidPx !== i / 7 || t.flags !== i) bad++;
    }
    expect(bad).toBe(0);
    expect(r.next(t, s)).toBe(0);
    expect(r.offsetBytes).toBe(statSync(path).size);
    r.close();
  });
  it('matches the field tables written by hand in docs/recording-format.md', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/recording-format.md'), 'utf8');
    for (const [kind, layout] of [
      [FrameKind.tick, TickLayout],
      [FrameKind.latencySample, LatencySampleLayout],
    ] as const) {
      expect(doc).toContain(`| ${kind} | ${layout.name} | ${layout.sizeBytes} | ${layout.sizeBytes + 1} |`);
      const section = doc
        .split(`#### ${layout.name} (kind ${kind}, ${layout.sizeBytes} bytes)`)[1]
        .split('\n##')[0];
      const rows = section.split('\n').filter((line) => line.startsWith('| `'));
      const want = layout.fields.map((f) => `| \`${f.name}\` | ${f.type} | ${f.offset} | ${f.offset + 1} |`);
      expect(rows.map((r) => `${r.split(' | ').slice(0, 4).join(' | ')} |`)).toEqual(want);
    }
  });
});

describe('RecordingReader rejects unreadable files', () => {
  function validFile(ticks = 3): string {
    const path = tmpFile();
    writeFile(
      path,
      Array.from({ length: ticks }, (_, i) => ({ kind: 1 as const, rec: tickAt(i, 1000 + i) })),
    );
    return path;
  }

  function patch(path: string, offset: number, bytes: readonly number[]): void {
    const b = readFileSync(path);
    b.set(bytes, offset);
    writeFileSync(path, b);
  }

  it('a wrong magic', () => {
    const path = validFile();
    patch(path, 2, [0x58]);
    expectFormatError(() => new RecordingReader(path), 2, 'magic');
  });

  it('an unsupported version', () => {
    const path = validFile();
    patch(path, 6, [RECORDING_FORMAT_VERSION + 1, 0]);
    expectFormatError(
      () => new RecordingReader(path),
      6,
      `unsupported format version ${RECORDING_FORMAT_VERSION + 1}`,
    );
  });

  it('a file shorter than the preamble or its header', () => {
    const short = tmpFile();
    writeFileSync(short, 'HFTREC');
    expectFormatError(() => new RecordingReader(short), 6, 'truncated preamble');
    const path = validFile(0);
    truncateSync(path, PREAMBLE_BYTES + 5);
    expectFormatError(() => new RecordingReader(path), PREAMBLE_BYTES + 5, 'truncated header');
  });

  it('a header that is not JSON, or lacks a field', () => {
    const path = validFile(0);
    patch(path, PREAMBLE_BYTES, [0x7b, 0x7b]);
    expectFormatError(() => new RecordingReader(path), PREAMBLE_BYTES, 'not UTF-8 JSON');
    const noSource = tmpFile();
    const { source: _omit, ...rest } = createHeader({ registry: REGISTRY, source: 'x' });
    writeFileSync(noSource, encodeHeader(rest as unknown as ReturnType<typeof createHeader>));
    expectFormatError(() => new RecordingReader(noSource), PREAMBLE_BYTES, 'header source');
  });

  it('layouts that differ from the current ones, naming the field', () => {
    const path = tmpFile();
    const header = createHeader({ registry: REGISTRY, source: 'x' });
    const tickFields = [...header.layouts.Tick];
    [tickFields[2], tickFields[3]] = [tickFields[3], tickFields[2]];
    writeFileSync(path, encodeHeader({ ...header, layouts: { ...header.layouts, Tick: tickFields } }));
    expectFormatError(
      () => new RecordingReader(path),
      PREAMBLE_BYTES,
      'layout Tick differs from this build: field 2 is ingestTsNs f64 @24 in the file, recvTsNs f64 @16 here',
    );
    const shorter = tmpFile();
    const sampleFields = header.layouts.LatencySample.slice(0, -1);
    writeFileSync(
      shorter,
      encodeHeader({ ...header, layouts: { ...header.layouts, LatencySample: sampleFields } }),
    );
    expectFormatError(() => new RecordingReader(shorter), PREAMBLE_BYTES, 'field 4 is nothing in the file');
  });

  it('a truncated last frame, naming its offset', () => {
    const path = validFile(3);
    truncateSync(path, statSync(path).size - 5);
    const r = new RecordingReader(path, { chunkBytes: 2 * TICK_FRAME });
    const t = TickCodec.create();
    const s = LatencySampleCodec.create();
    expect(r.next(t, s)).toBe(1);
    expect(r.next(t, s)).toBe(1);
    const at = r.dataOffset + 2 * TICK_FRAME;
    expectFormatError(
      () => r.next(t, s),
      at,
      `truncated tick frame: needs ${TICK_FRAME} bytes, the file ends after ${TICK_FRAME - 5}`,
    );
    r.close();
  });

  it('an unknown frame kind, naming its offset', () => {
    const path = validFile(2);
    const r0 = new RecordingReader(path);
    const at = r0.dataOffset + TICK_FRAME;
    r0.close();
    patch(path, at, [7]);
    const r = new RecordingReader(path);
    const t = TickCodec.create();
    expect(r.next(t, LatencySampleCodec.create())).toBe(1);
    expectFormatError(() => r.next(t, LatencySampleCodec.create()), at, 'unknown frame kind 7');
    r.close();
  });
});

describe('ReplaySource', () => {
  const registry = new Registry(REGISTRY);
  const MS = 1_000_000;

  /** Ticks 1 ms apart on the recording's receive clock, starting at 7 s. */
  function spacedTicks(n: number): TickEntry[] {
    return Array.from({ length: n }, (_, i) => ({ kind: 1 as const, rec: tickAt(i, 7e9 + i * MS) }));
  }

  function replay(path: string, speed: number, onLatencySample?: (s: LatencySample) => void): ReplaySource {
    return ReplaySource.open(path, { registry, speed, onLatencySample });
  }

  it.each([
    [1, MS],
    [10, MS / 10],
  ])('plays ticks back with their recorded spacing at speed %d', (speed, gapNs) => {
    const path = tmpFile();
    writeFile(path, spacedTicks(3));
    const src = replay(path, speed);
    const clock = new ManualClock(5e9);
    const out = TickCodec.create();
    expect(src.nextDueNs()).toBe(0);
    expect(src.poll(clock.nowNs(), out)).toBe(true);
    expect(out.seq).toBe(0);
    expect(out.exchTsNs).toBe(7e9 - 500);
    expect(out.recvTsNs).toBe(0);
    for (let i = 1; i < 3; i++) {
      expect(src.poll(clock.nowNs(), out)).toBe(false);
      expect(src.nextDueNs()).toBe(5e9 + i * gapNs);
      clock.advance(gapNs - 1);
      expect(src.poll(clock.nowNs(), out)).toBe(false);
      clock.advance(1);
      expect(src.poll(clock.nowNs(), out)).toBe(true);
      expect(out.seq).toBe(i);
    }
    expect(src.poll(clock.nowNs() + 1e12, out)).toBe(false);
    expect(src.nextDueNs()).toBe(Number.POSITIVE_INFINITY);
    expect(src.replayedTicks).toBe(3);
    src.close();
  });

  it('at speed 0 hands out every tick as fast as it is polled', () => {
    const path = tmpFile();
    writeFile(path, spacedTicks(50));
    const src = replay(path, 0);
    const out = TickCodec.create();
    const now = 123;
    for (let i = 0; i < 50; i++) {
      expect(src.poll(now, out)).toBe(true);
      expect(out.seq).toBe(i);
      if (i < 49) expect(src.nextDueNs()).toBeLessThanOrEqual(now);
    }
    expect(src.poll(now, out)).toBe(false);
    expect(src.nextDueNs()).toBe(Number.POSITIVE_INFINITY);
  });

  it('times by exchange stamps when the recording has no receive stamps', () => {
    const path = tmpFile();
    const ticks = spacedTicks(2);
    for (const e of ticks) e.rec.recvTsNs = 0;
    writeFile(path, ticks);
    const src = replay(path, 2);
    const out = TickCodec.create();
    expect(src.poll(100, out)).toBe(true);
    expect(src.nextDueNs()).toBe(100 + MS / 2);
  });

  it('hands latency samples to the callback in file order between the ticks', () => {
    const path = tmpFile();
    const entries: Entry[] = [
      { kind: 2, rec: sampleAt(1) },
      { kind: 1, rec: tickAt(10, 1e9) },
      { kind: 2, rec: sampleAt(2) },
      { kind: 2, rec: sampleAt(3) },
      { kind: 1, rec: tickAt(11, 1e9 + MS) },
      { kind: 2, rec: sampleAt(4) },
    ];
    writeFile(path, entries);
    const events: string[] = [];
    const src = replay(path, 1, (s) => events.push(`S${s.tsNs}`));
    const out = TickCodec.create();
    for (let now = 0; now <= 2 * MS; now += MS / 4) {
      while (src.poll(now, out)) events.push(`T${out.seq}`);
      src.nextDueNs();
    }
    expect(events).toEqual(['S1', 'T10', 'S2', 'S3', 'T11', 'S4']);
    expect(src.latencySamplesDelivered).toBe(4);
  });

  it('maps ids to the running registry by name and counts what it cannot map', () => {
    const path = tmpFile();
    const recorded = { symbols: ['AAPL', 'MSFT', 'TSLA'], venues: ['A', 'B', 'X'] };
    const entries: Entry[] = [
      { kind: 1, rec: tickAt(0, 1, 0, 0) }, // AAPL@A
      { kind: 1, rec: tickAt(1, 2, 2, 1) }, // TSLA: unknown symbol
      { kind: 1, rec: tickAt(2, 3, 1, 1) }, // MSFT@B
      { kind: 1, rec: tickAt(3, 4, 0, 2) }, // venue X: unknown venue
      { kind: 1, rec: tickAt(4, 5, 9, 0) }, // id outside the file's registry
      { kind: 2, rec: sampleAt(1, 1) }, // B
      { kind: 2, rec: sampleAt(2, 2) }, // X: skipped
    ];
    writeFile(path, entries, recorded);
    const running = new Registry({ symbols: ['MSFT', 'AAPL'], venues: ['C', 'B', 'A'] });
    const venues: number[] = [];
    const src = ReplaySource.open(path, {
      registry: running,
      speed: 0,
      onLatencySample: (s) => venues.push(s.venueId),
    });
    const out = TickCodec.create();
    const got: number[][] = [];
    while (src.poll(0, out)) got.push([out.seq, out.symbolId, out.venueId]);
    expect(got).toEqual([
      [0, 1, 2],
      [2, 0, 1],
    ]);
    expect(venues).toEqual([1]);
    expect(src.skippedUnknownSymbol).toBe(2);
    expect(src.skippedUnknownVenue).toBe(1);
    expect(src.latencySamplesSkipped).toBe(1);
  });

  it('refuses a negative or non-finite speed', () => {
    const path = tmpFile();
    writeFile(path, []);
    expect(() => replay(path, -1)).toThrow(/replay speed: must be a finite number >= 0, got -1/);
    expect(() => replay(path, Number.NaN)).toThrow(RangeError);
  });

  it('record once, replay twice: identical tick streams (SHA-256 over every field and its time)', () => {
    const path = tmpFile();
    const clock = new ManualClock(1e9);
    const sim = new SimMarket(
      registry,
      REGISTRY.venues.map((v) => venue(v)),
      { ratePerSec: 2000, seed: 7 },
    );
    const w = new RecordingWriter(path, { registry: REGISTRY, source: 'sim', seed: 7 });
    const tick = TickCodec.create();
    const recordedHash = createHash('sha256');
    // A 10 s run: ingest stamps receive times; a latency sample every 100 ticks.
    for (const end = clock.nowNs() + 10e9; clock.nowNs() < end; clock.advance(50_000)) {
      while (sim.poll(clock.nowNs(), tick)) {
        tick.recvTsNs = clock.nowNs() + 3000;
        w.writeTick(tick);
        if (tick.seq % 100 === 0) w.writeLatencySample(sampleAt(tick.recvTsNs, tick.venueId, tick.seq));
        hashTick(recordedHash, { ...tick, recvTsNs: 0, ingestTsNs: 0 }, 0);
      }
    }
    w.close();
    // Poisson arrivals at 2000/s for 10 s: about 20,000 ticks.
    expect(w.ticks).toBeGreaterThan(19_000);
    expect(w.ticks).toBeLessThan(21_000);

    const runs = [0, 1].map(() => {
      const hash = createHash('sha256');
      const timedHash = createHash('sha256');
      const src = replay(path, 1, (s) => hashSample(timedHash, s));
      const replayClock = new ManualClock(42e9);
      let n = 0;
      while (src.nextDueNs() !== Number.POSITIVE_INFINITY) {
        while (src.poll(replayClock.nowNs(), tick)) {
          hashTick(hash, tick, 0);
          hashTick(timedHash, tick, replayClock.nowNs());
          n++;
        }
        replayClock.advance(25_000);
      }
      src.close();
      return { n, fields: hash.digest('hex'), timed: timedHash.digest('hex') };
    });
    expect(runs[0].n).toBe(w.ticks);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[0].fields).toBe(recordedHash.digest('hex'));
  });
});

const hashBuf = new Float64Array(TickLayout.fields.length + 1);

function hashTick(hash: ReturnType<typeof createHash>, t: Tick, atNs: number): void {
  TickLayout.fields.forEach((f, i) => {
    hashBuf[i] = t[f.name];
  });
  hashBuf[TickLayout.fields.length] = atNs;
  hash.update(new Uint8Array(hashBuf.buffer));
}

function hashSample(hash: ReturnType<typeof createHash>, s: LatencySample): void {
  hash.update(Float64Array.from(LatencySampleLayout.fields, (f) => s[f.name]));
}
