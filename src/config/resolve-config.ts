/**
 * Resolves the configuration from its five layers (docs/contract.md "Configuration"), highest first:
 * CLI flags, environment (real, then .env), the --config file, config/<mode>.yaml,
 * config/default.yaml. Objects merge key by key; arrays and scalars replace.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { configSchema, DEFAULT_FINNHUB_WS_URL, modeSchema } from './config-schema.js';
import type { CliOverrides, HftConfig, Mode } from './config-types.js';

export interface ResolveOptions {
  /** The repository's config/ folder. */
  configDir: string;
  /** Where relative --config paths and .env are looked up. */
  cwd: string;
}

type Raw = Record<string, unknown>;
type KeyPath = readonly PropertyKey[];

/** Who set a key above the YAML layers, so errors can point at the flag or variable to fix. */
interface Origin {
  path: KeyPath;
  label: string;
  kind: 'cli' | 'env';
}

interface Override<K> {
  key: K;
  label: string;
  path: readonly string[];
  parse: (value: string | boolean) => unknown;
}

const verbatim = (value: string | boolean): unknown => value;

/** Leaves unparsable text as is so the error shows what the user typed rather than NaN. */
function toNumber(value: string | boolean): unknown {
  if (typeof value !== 'string' || value.trim() === '') return value;
  const n = Number(value);
  return Number.isNaN(n) ? value : n;
}

function toSymbols(value: string | boolean): unknown {
  if (typeof value !== 'string') return value;
  return value
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== '');
}

const CLI_FLAGS: readonly Override<keyof CliOverrides>[] = [
  { key: 'mode', label: '--mode', path: ['system', 'mode'], parse: verbatim },
  { key: 'duration', label: '--duration', path: ['system', 'duration_s'], parse: toNumber },
  { key: 'symbols', label: '--symbols', path: ['trading', 'symbols'], parse: toSymbols },
  { key: 'logLevel', label: '--log-level', path: ['system', 'log_level'], parse: verbatim },
  { key: 'skipBacktest', label: '--skip-backtest', path: ['system', 'skip_backtest'], parse: verbatim },
  { key: 'record', label: '--no-record', path: ['system', 'record'], parse: verbatim },
  { key: 'source', label: '--source', path: ['market', 'source'], parse: verbatim },
  { key: 'report', label: '--report', path: ['system', 'report_dir'], parse: verbatim },
  { key: 'metricsPort', label: '--metrics-port', path: ['system', 'metrics_port'], parse: toNumber },
  { key: 'rate', label: '--rate', path: ['market', 'rate'], parse: toNumber },
  { key: 'speed', label: '--speed', path: ['market', 'replay_speed'], parse: toNumber },
  { key: 'pipeline', label: '--pipeline', path: ['system', 'pipeline'], parse: verbatim },
  { key: 'router', label: '--router', path: ['routing', 'router'], parse: verbatim },
  { key: 'cluster', label: '--cluster', path: ['cluster', 'servers'], parse: verbatim },
  { key: 'shard', label: '--shard', path: ['cluster', 'shard'], parse: verbatim },
];

const ENV_VARS: readonly Override<string>[] = [
  { key: 'TRADING_MODE', label: 'TRADING_MODE', path: ['system', 'mode'], parse: verbatim },
  { key: 'TRADING_SYMBOLS', label: 'TRADING_SYMBOLS', path: ['trading', 'symbols'], parse: toSymbols },
  {
    key: 'MAX_POSITION_SIZE',
    label: 'MAX_POSITION_SIZE',
    path: ['trading', 'max_position_size'],
    parse: toNumber,
  },
  { key: 'LOG_LEVEL', label: 'LOG_LEVEL', path: ['system', 'log_level'], parse: verbatim },
  { key: 'FINNHUB_API_KEY', label: 'FINNHUB_API_KEY', path: ['secrets', 'finnhub_api_key'], parse: verbatim },
  { key: 'FINNHUB_WS_URL', label: 'FINNHUB_WS_URL', path: ['secrets', 'finnhub_ws_url'], parse: verbatim },
  { key: 'HFT_ADMIN_TOKEN', label: 'HFT_ADMIN_TOKEN', path: ['secrets', 'admin_token'], parse: verbatim },
];

export function resolveConfig(cli: CliOverrides, env: NodeJS.ProcessEnv, opts: ResolveOptions): HftConfig {
  const origins: Origin[] = [];
  const cliLayer = overrides(CLI_FLAGS, (key) => cli[key], 'cli', origins);
  const lookup = envLookup(env, readDotEnv(opts.cwd));
  const envLayer = deepMerge(secretDefaults(), overrides(ENV_VARS, lookup, 'env', origins)) as Raw;
  const defaults = readYaml(path.join(opts.configDir, 'default.yaml'), 'config/default.yaml');
  const userFile =
    cli.config === undefined ? {} : readYaml(path.resolve(opts.cwd, cli.config), '--config', cli.config);
  const mode = chooseMode([cliLayer, envLayer, userFile, defaults], origins);
  const modeFile = readYaml(path.join(opts.configDir, `${mode}.yaml`), `config/${mode}.yaml`);
  const merged = [defaults, modeFile, userFile, envLayer, cliLayer].reduce<unknown>(deepMerge, {});
  return validate(merged, origins);
}

function overrides<K>(
  table: readonly Override<K>[],
  get: (key: K) => string | boolean | undefined,
  kind: Origin['kind'],
  origins: Origin[],
): Raw {
  const layer: Raw = {};
  for (const { key, label, path: keyPath, parse } of table) {
    const value = get(key);
    if (value === undefined) continue;
    setAt(layer, keyPath, parse(value));
    origins.push({ path: keyPath, label, kind });
  }
  return layer;
}

function secretDefaults(): Raw {
  return { secrets: { finnhub_api_key: null, finnhub_ws_url: DEFAULT_FINNHUB_WS_URL, admin_token: null } };
}

/** Empty variables count as unset, so a copied .env.example with blank values changes nothing. */
function envLookup(
  env: NodeJS.ProcessEnv,
  dotEnv: NodeJS.Dict<string>,
): (name: string) => string | undefined {
  return (name) => (env[name] || undefined) ?? (dotEnv[name] || undefined);
}

function readDotEnv(cwd: string): NodeJS.Dict<string> {
  const file = path.join(cwd, '.env');
  const text = readText(file, '.env', file, true);
  return text === undefined ? {} : parseEnv(text);
}

/** `optional`: a missing file reads as undefined instead of failing. */
function readText(file: string, field: string, shown: string, optional = false): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && optional) return undefined;
    if (code === 'ENOENT') throw new ConfigError(field, `file not found: ${shown}`);
    throw new ConfigError(field, `cannot read ${shown}: ${code ?? (err as Error).message}`);
  }
}

function readYaml(file: string, field: string, shown = file): Raw {
  const text = readText(file, field, shown) ?? '';
  const doc = parseDocument(text, { logLevel: 'silent' });
  const [syntax] = doc.errors;
  if (syntax !== undefined) {
    const line = syntax.linePos?.[0].line ?? '?';
    const what = syntax.message.split(' at line ')[0].split('\n')[0];
    throw new ConfigError(field, `YAML syntax error in ${shown} at line ${line}: ${what}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(field, `cannot load ${shown}: ${(err as Error).message.split('\n')[0]}`);
  }
  return checkTopLevel(value ?? {}, field, shown);
}

function checkTopLevel(value: unknown, field: string, shown: string): Raw {
  if (!isMapping(value)) {
    throw new ConfigError(field, `${shown} must hold a mapping at the top level, got ${kindOf(value)}`);
  }
  if (Object.hasOwn(value, 'secrets')) {
    throw new ConfigError(
      'secrets',
      `unknown key in ${shown} (secrets come only from the environment or .env)`,
    );
  }
  return value;
}

function chooseMode(layers: readonly Raw[], origins: readonly Origin[]): Mode {
  const modePath = ['system', 'mode'];
  const value = layers.map((layer) => getAt(layer, modePath)).find((v) => v !== undefined);
  const result = modeSchema.safeParse(value);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  throw issueError(modePath, issue.message, issue.code, value, origins);
}

function validate(merged: unknown, origins: readonly Origin[]): HftConfig {
  const result = configSchema.safeParse(merged);
  if (result.success) return result.data;
  const issue = pickIssue(result.error.issues);
  if (issue.code === 'unrecognized_keys') {
    throw new ConfigError(formatPath([...issue.path, issue.keys[0]]), 'unknown key');
  }
  throw issueError(issue.path, issue.message, issue.code, getAt(merged, issue.path), origins);
}

/** A misspelt key also shows up as a missing one; the unknown key is the one to fix. */
function pickIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  return issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
}

function issueError(
  keyPath: KeyPath,
  message: string,
  code: string,
  value: unknown,
  origins: readonly Origin[],
): ConfigError {
  const origin = origins.find((o) => o.path.every((key, i) => keyPath[i] === key));
  const secret = keyPath[0] === 'secrets';
  const reason =
    value === undefined ? `is missing; it ${message}` : message + (secret ? '' : got(value, code));
  if (origin?.kind === 'cli') return new ConfigError(origin.label, reason);
  const suffix = origin === undefined ? '' : ` (from ${origin.label})`;
  return new ConfigError(formatPath(keyPath), reason + suffix);
}

/** Collections are only named when their kind is the problem; list-level rules explain themselves. */
function got(value: unknown, code: string): string {
  if (Array.isArray(value) || isMapping(value)) {
    return code === 'invalid_type' || code === 'invalid_value' ? `, got ${kindOf(value)}` : '';
  }
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return `, got ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}`;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function formatPath(keyPath: KeyPath): string {
  return keyPath
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function isMapping(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Built through Object.fromEntries so a `__proto__` key stays data (and fails as unknown). */
function deepMerge(lower: unknown, higher: unknown): unknown {
  if (higher === undefined) return lower;
  if (!isMapping(lower) || !isMapping(higher)) return higher;
  const out = new Map(Object.entries(lower));
  for (const [key, value] of Object.entries(higher)) out.set(key, deepMerge(out.get(key), value));
  return Object.fromEntries(out);
}

function getAt(value: unknown, keyPath: KeyPath): unknown {
  let node = value;
  for (const key of keyPath) {
    if (!isMapping(node) && !Array.isArray(node)) return undefined;
    node = Object.hasOwn(node, key) ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return node;
}

/** Only called with the fixed paths of the override tables above. */
function setAt(target: Raw, keyPath: readonly string[], value: unknown): void {
  let node = target;
  for (const key of keyPath.slice(0, -1)) {
    if (!isMapping(node[key])) node[key] = {};
    node = node[key] as Raw;
  }
  node[keyPath[keyPath.length - 1]] = value;
}

/** Validates a configuration built in code (a sweep's combination); the error names `label`. */
export function revalidateConfig(cfg: HftConfig, label: string): HftConfig {
  const result = configSchema.safeParse(cfg);
  if (result.success) return result.data;
  const issue = pickIssue(result.error.issues);
  throw new ConfigError(
    label,
    `${formatPath(issue.path)}: ${issue.message}, got ${JSON.stringify(getAt(cfg, issue.path))}`,
  );
}
