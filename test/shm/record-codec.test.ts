import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileCodec,
  defineLayout,
  type Field,
  type RecordCodec,
  type RecordLayout,
  type RecordOf,
} from '../../src/shm/record-layout.js';
import {
  ExecReportCodec,
  JournalCodec,
  LatencySampleCodec,
  OrderCodec,
  TickCodec,
} from '../../src/shm/records.js';

const CODECS: readonly RecordCodec<RecordLayout>[] = [
  TickCodec,
  LatencySampleCodec,
  OrderCodec,
  ExecReportCodec,
  JournalCodec,
];

const FIELD_BYTES = { f64: 8, i32: 4 } as const;
const BUFFER_BYTES = 4096;

/** fast-check's double() includes NaN, +-Infinity, -0 and subnormals by default. */
function recordArb(layout: RecordLayout): fc.Arbitrary<RecordOf<RecordLayout>> {
  const shape: Record<string, fc.Arbitrary<number>> = {};
  for (const f of layout.fields) {
    shape[f.name] = f.type === 'f64' ? fc.double() : fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
  }
  return fc.record(shape);
}

function expectSameRecord(layout: RecordLayout, got: RecordOf<RecordLayout>, want: RecordOf<RecordLayout>) {
  for (const f of layout.fields) {
    if (!Object.is(got[f.name], want[f.name])) {
      throw new Error(`${layout.name}.${f.name}: wrote ${want[f.name]}, read ${got[f.name]}`);
    }
  }
}

describe.each(CODECS.map((c) => [c.layout.name, c] as const))('%s codec', (_name, codec) => {
  const layout = codec.layout;

  it('round-trips any values at any 8-aligned offset without touching neighbouring bytes', () => {
    const buffer = new SharedArrayBuffer(BUFFER_BYTES);
    const f64 = new Float64Array(buffer);
    const i32 = new Int32Array(buffer);
    const bytes = new Uint8Array(buffer);
    const pristine = new Uint8Array(BUFFER_BYTES);
    const into = codec.create();
    fc.assert(
      fc.property(
        recordArb(layout),
        fc.integer({ min: 0, max: (BUFFER_BYTES - layout.sizeBytes) / 8 }),
        fc.integer({ min: 0, max: 255 }),
        (rec, slot, fill) => {
          bytes.fill(fill);
          pristine.fill(fill);
          const off = slot * 8;
          codec.write(f64, i32, off, rec);
          expect(codec.read(f64, i32, off, into)).toBe(into);
          expectSameRecord(layout, into, rec);
          // Bytes outside [off, off + sizeBytes) keep the fill pattern.
          for (let b = 0; b < BUFFER_BYTES; b++) {
            if (b >= off && b < off + layout.sizeBytes) continue;
            if (bytes[b] !== pristine[b]) throw new Error(`byte ${b} changed by a write at ${off}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('creates zeroed records with exactly the layout fields, and copies every field', () => {
    const fresh = codec.create();
    expect(Object.keys(fresh)).toEqual(layout.fields.map((f) => f.name));
    for (const f of layout.fields) expect(Object.is(fresh[f.name], 0)).toBe(true);
    fc.assert(
      fc.property(recordArb(layout), (rec) => {
        const into = codec.create();
        expect(codec.copy(rec, into)).toBe(into);
        expectSameRecord(layout, into, rec);
      }),
    );
  });

  it('stores i32 fields as int32 (wraps out-of-range values like Int32Array does)', () => {
    const i32Fields = layout.fields.filter((f) => f.type === 'i32');
    expect(i32Fields.length).toBeGreaterThan(0);
    const buffer = new SharedArrayBuffer(BUFFER_BYTES);
    const f64 = new Float64Array(buffer);
    const i32 = new Int32Array(buffer);
    const rec = codec.create();
    for (const f of i32Fields) rec[f.name] = 2 ** 31 + 7;
    codec.write(f64, i32, 64, rec);
    const back = codec.read(f64, i32, 64, codec.create());
    for (const f of i32Fields) expect(back[f.name]).toBe(-(2 ** 31) + 7);
  });
});

function fieldEnd(f: Field): number {
  return f.offset + FIELD_BYTES[f.type];
}

describe('record layouts', () => {
  it.each(CODECS.map((c) => [c.layout.name, c.layout] as const))(
    '%s: fields are aligned, disjoint and covered by sizeBytes',
    (_name, layout) => {
      const fields = [...layout.fields].sort((a, b) => a.offset - b.offset);
      for (const f of fields) expect(f.offset % FIELD_BYTES[f.type]).toBe(0);
      for (let k = 1; k < fields.length; k++) {
        expect(fields[k].offset).toBeGreaterThanOrEqual(fieldEnd(fields[k - 1]));
      }
      const end = fieldEnd(fields[fields.length - 1]);
      expect(layout.sizeBytes).toBeGreaterThanOrEqual(end);
      expect(layout.sizeBytes % 8).toBe(0);
      expect(layout.sizeBytes - end).toBeLessThan(8);
      expect(new Set(layout.fields.map((f) => f.name)).size).toBe(layout.fields.length);
    },
  );

  it('pads an f64 after an i32 to the next 8-byte boundary', () => {
    const layout = defineLayout('Mixed', [
      { name: 'a', type: 'i32' },
      { name: 'b', type: 'f64' },
      { name: 'c', type: 'i32' },
      { name: 'd', type: 'i32' },
      { name: 'e', type: 'i32' },
    ]);
    expect(layout.fields.map((f) => f.offset)).toEqual([0, 8, 16, 20, 24]);
    expect(layout.sizeBytes).toBe(32);
    const codec = compileCodec(layout);
    const buffer = new SharedArrayBuffer(64);
    const rec = { a: -1, b: Math.PI, c: 2, d: 3, e: 4 };
    codec.write(new Float64Array(buffer), new Int32Array(buffer), 32, rec);
    expect(new Int32Array(buffer, 32, 1)[0]).toBe(-1);
    expect(new Float64Array(buffer, 40, 1)[0]).toBe(Math.PI);
    expect(Array.from(new Int32Array(buffer, 48, 3))).toEqual([2, 3, 4]);
  });

  it('rejects duplicate field names', () => {
    expect(() =>
      defineLayout('Dup', [
        { name: 'x', type: 'f64' },
        { name: 'y', type: 'i32' },
        { name: 'x', type: 'i32' },
      ]),
    ).toThrow('layout Dup: duplicate field x');
  });

  it.each(['', '1abc', 'a-b', 'a b', 'a.b', 'x;process.exit(1)', 'é', 'a\nb'])(
    'rejects the non-identifier field name %j',
    (name) => {
      expect(() => defineLayout('Bad', [{ name, type: 'f64' }])).toThrow(`layout Bad: bad field ${name}`);
    },
  );

  it('accepts identifier names with underscores and digits', () => {
    const layout = defineLayout('Ok', [
      { name: '_a1', type: 'f64' },
      { name: 'B_2', type: 'i32' },
    ]);
    expect(layout.fields.map((f) => [f.name, f.offset])).toEqual([
      ['_a1', 0],
      ['B_2', 8],
    ]);
  });
});
