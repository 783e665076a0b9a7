/**
 * Fixed binary record layouts, defined once as data (field name, type, byte offset), and codecs
 * compiled from them. A codec copies between a ring slot and a reusable plain object, so the hot
 * path reads and writes records without allocating.
 */

import type { SymbolId, VenueId } from '../core/ids.js';

export type FieldType = 'f64' | 'i32';

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
}

export interface Field extends FieldSpec {
  /** Byte offset of the field inside the record. */
  readonly offset: number;
}

export interface RecordLayout<N extends string = string> {
  readonly name: string;
  readonly fields: readonly (Field & { readonly name: N })[];
  /** Bytes the fields occupy, before rounding to a slot. */
  readonly sizeBytes: number;
}

/** The type of a field by its name: symbolId and venueId are typed ids, every other field a number. */
type FieldValue<K> = K extends 'symbolId' ? SymbolId : K extends 'venueId' ? VenueId : number;

/** A record as a plain object: every field is a number (ids, enums, prices, nanosecond stamps). */
export type RecordOf<L extends RecordLayout> = { [K in L['fields'][number]['name']]: FieldValue<K> };

const FIELD_BYTES: Record<FieldType, number> = { f64: 8, i32: 4 };

/** Lays fields out in declaration order, each aligned to its own size. */
export function defineLayout<const S extends readonly FieldSpec[]>(
  name: string,
  specs: S,
): RecordLayout<S[number]['name']> {
  const seen = new Set<string>();
  let offset = 0;
  const fields = specs.map((spec) => {
    if (seen.has(spec.name)) throw new Error(`layout ${name}: duplicate field ${spec.name}`);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(spec.name))
      throw new Error(`layout ${name}: bad field ${spec.name}`);
    seen.add(spec.name);
    const size = FIELD_BYTES[spec.type];
    offset = Math.ceil(offset / size) * size;
    const field = { name: spec.name, type: spec.type, offset };
    offset += size;
    return field;
  });
  return {
    name,
    fields: fields as RecordLayout<S[number]['name']>['fields'],
    sizeBytes: Math.ceil(offset / 8) * 8,
  };
}

export interface RecordCodec<L extends RecordLayout> {
  readonly layout: L;
  /** Copies the record at `byteOffset` into `into` and returns it. `byteOffset` must be 8-aligned. */
  read(f64: Float64Array, i32: Int32Array, byteOffset: number, into: RecordOf<L>): RecordOf<L>;
  write(f64: Float64Array, i32: Int32Array, byteOffset: number, from: RecordOf<L>): void;
  /** A fresh record with every field 0, shaped once so property access stays monomorphic. */
  create(): RecordOf<L>;
  copy(from: RecordOf<L>, into: RecordOf<L>): RecordOf<L>;
}

type ReadFn<L extends RecordLayout> = RecordCodec<L>['read'];
type WriteFn<L extends RecordLayout> = RecordCodec<L>['write'];

/**
 * Compiles straight-line accessors from the layout. Field names are validated identifiers from
 * source code (never configuration), so generating code from them is safe.
 */
export function compileCodec<L extends RecordLayout>(layout: L): RecordCodec<L> {
  const index = (f: Field) => (f.type === 'f64' ? `f64[b8 + ${f.offset / 8}]` : `i32[b4 + ${f.offset / 4}]`);
  const prologue = 'const b8 = byteOffset >>> 3; const b4 = byteOffset >>> 2;';
  const readBody = layout.fields.map((f) => `into.${f.name} = ${index(f)};`).join('\n');
  const writeBody = layout.fields.map((f) => `${index(f)} = from.${f.name};`).join('\n');
  const createBody = layout.fields.map((f) => `${f.name}: 0`).join(', ');
  const copyBody = layout.fields.map((f) => `into.${f.name} = from.${f.name};`).join('\n');
  const read = new Function('f64', 'i32', 'byteOffset', 'into', `${prologue}\n${readBody}\nreturn into;`);
  const write = new Function('f64', 'i32', 'byteOffset', 'from', `${prologue}\n${writeBody}`);
  const create = new Function(`return { ${createBody} };`);
  const copy = new Function('from', 'into', `${copyBody}\nreturn into;`);
  return {
    layout,
    read: read as ReadFn<L>,
    write: write as WriteFn<L>,
    create: create as () => RecordOf<L>,
    copy: copy as RecordCodec<L>['copy'],
  };
}
