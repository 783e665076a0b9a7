/**
 * Fuzzing the config loader with hostile YAML (test/config/resolve-config.test.ts fuzzes plain values and
 * text): language tags that other loaders execute (`!!js/function`, `!!python/object`), YAML
 * 1.1 collection tags, anchors and alias bombs, merge keys, prototype keys at any depth, deep
 * nesting. Each document gives a valid config or a one-line ConfigError (exit 2); nothing is
 * evaluated, nothing is polluted, and each answer comes quickly.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HftConfig } from '../../src/config/config-types.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { ConfigError } from '../../src/core/errors.js';

const CONFIG_DIR = resolve(import.meta.dirname, '../../config');
const cwd = mkdtempSync(join(tmpdir(), 'hft-config-fuzz-'));
let evaluated = 0;
(globalThis as Record<string, unknown>).__hftFuzzEvaluated = () => evaluated++;

/** Resolves `text` as the --config file: the config, or the ConfigError it raised. */
function load(text: string): HftConfig | ConfigError {
  writeFileSync(join(cwd, 'fuzz.yaml'), text);
  try {
    return resolveConfig({ config: 'fuzz.yaml' }, {}, { configDir: CONFIG_DIR, cwd });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}

const KEYS = [
  'trading',
  'system',
  'market',
  'risk',
  'routing',
  'symbols',
  'mode',
  'max_position_size',
  'strategy',
  'name',
  'rate',
  '__proto__',
  'constructor',
  'prototype',
  '<<',
  'toString',
];
const TAGS = [
  '!!js/function',
  '!!js/undefined',
  '!!js/regexp',
  '!!python/object/apply:os.system',
  '!!binary',
  '!!set',
  '!!omap',
  '!!pairs',
  '!!timestamp',
  '!!int',
  '!!float',
  '!!str',
  '!!map',
  '!!seq',
  '!custom',
  '!<tag:yaml.org,2002:js/function>',
];
const SCALARS = [
  '"function () { globalThis.__hftFuzzEvaluated() }"',
  '() => globalThis.__hftFuzzEvaluated()',
  '/a+/',
  '1e999',
  '-.inf',
  '.nan',
  '0x7fffffff',
  '2026-11-24',
  'null',
  '~',
  'yes',
  'fast',
  '[AAPL, MSFT]',
  '{ polluted: 1 }',
  'AAPL',
  '100',
  '-5',
  '""',
];

/** A YAML node: a scalar, a tagged node, an alias, or a nested block mapping. */
const node: fc.Memo<string> = fc.memo((depth) =>
  depth <= 1
    ? fc.oneof(
        fc.constantFrom(...SCALARS),
        fc.tuple(fc.constantFrom(...TAGS), fc.constantFrom(...SCALARS)).map(([t, s]) => `${t} ${s}`),
        fc.constant('*a'),
      )
    : fc.oneof(
        { weight: 2, arbitrary: node(1) },
        {
          weight: 3,
          arbitrary: fc
            .array(fc.tuple(fc.constantFrom(...KEYS), node(depth - 1)), { minLength: 1, maxLength: 4 })
            .map((entries) => `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')} }`),
        },
        {
          weight: 1,
          arbitrary: fc.array(node(depth - 1), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
        },
      ),
);

/** Real sections and keys with hostile or plain values: some of these documents are valid. */
const REAL: Record<string, string[]> = {
  trading: ['symbols', 'max_position_size', 'order_size', '__proto__'],
  system: ['mode', 'duration_s', 'constructor'],
  market: ['rate', 'seed'],
  risk: ['ack_timeout_ms', 'max_open_orders'],
};
const realSection = fc.constantFrom(...Object.keys(REAL)).chain((section) =>
  fc
    .array(
      fc.tuple(
        fc.constantFrom(...REAL[section]),
        fc.oneof(
          { weight: 1, arbitrary: node(1) },
          { weight: 4, arbitrary: fc.constantFrom('10', '!!int "42"', '!!float 5e1', '*n', '!!binary aGk=') },
        ),
      ),
      {
        minLength: 1,
        maxLength: 3,
      },
    )
    .map((kv) => `${section}:\n${kv.map(([k, v]) => `  ${k}: ${v}`).join('\n')}`),
);

const document = fc
  .tuple(
    fc.constantFrom('', '', '%YAML 1.1\n---\n', 'market:\n  seed: &n 100\n'),
    fc.array(
      fc.oneof(
        realSection,
        fc.tuple(fc.constantFrom(...KEYS), node(4)).map(([k, v]) => `${JSON.stringify(k)}: ${v}`),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([prefix, parts]) => prefix + parts.join('\n'));

/** What a loaded config may hold: plain data only. */
function plainData(v: unknown, depth = 0): boolean {
  if (depth > 20) return false;
  if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return true;
  if (Array.isArray(v)) return v.every((x) => plainData(x, depth + 1));
  if (typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(v as object).every((x) => plainData(x, depth + 1));
}

describe('config fuzzing: hostile YAML', () => {
  it('gives a plain-data config or a one-line ConfigError (exit 2), never runs or pollutes anything', () => {
    let valid = 0;
    let refused = 0;
    fc.assert(
      fc.property(document, (text) => {
        const t0 = performance.now();
        const result = load(text);
        expect(performance.now() - t0, 'answered quickly').toBeLessThan(2000);
        if (result instanceof ConfigError) {
          refused++;
          expect(result.exitCode).toBe(2);
          expect(result.message).not.toContain('\n');
          expect(result.message).toMatch(/^config \S/);
        } else {
          valid++;
          expect(plainData(result)).toBe(true);
        }
        expect(evaluated).toBe(0);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.hasOwn(Object.prototype, 'mode')).toBe(false);
      }),
      { numRuns: 300 },
    );
    console.log(`config fuzz: ${valid} valid, ${refused} refused with ConfigError`);
    expect(refused).toBeGreaterThan(0);
  });

  it('refuses an alias bomb quickly instead of expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'trading: { symbols: *e }',
    ].join('\n');
    const t0 = performance.now();
    const result = load(bomb);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(result).toBeInstanceOf(ConfigError);
    expect((result as ConfigError).message).toMatch(/^config --config: cannot load fuzz\.yaml: .*alias/i);
  });

  it('keeps language tags inert: a !!js/function value is a string, refused by the schema', () => {
    const result = load('trading:\n  strategy:\n    name: !!js/function "function () { return 1 }"\n');
    expect(result).toBeInstanceOf(ConfigError);
    expect((result as ConfigError).field).toBe('trading.strategy.name');
    expect(evaluated).toBe(0);
  });
});
