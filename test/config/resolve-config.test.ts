import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { CliOverrides, HftConfig } from '../../src/config/config-types.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { ConfigError, UsageError } from '../../src/core/errors.js';

const CONFIG_DIR = fileURLToPath(new URL('../../config', import.meta.url));
const tempDirs: string[] = [];

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hft-config-'));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function resolve(cli: CliOverrides = {}, env: NodeJS.ProcessEnv = {}, cwd = tempDir()): HftConfig {
  return resolveConfig(cli, env, { configDir: CONFIG_DIR, cwd });
}

/** Resolves with `yaml` as the --config file. */
function withFile(yaml: string, cli: CliOverrides = {}, env: NodeJS.ProcessEnv = {}): HftConfig {
  const cwd = tempDir({ 'user.yaml': yaml });
  return resolve({ ...cli, config: 'user.yaml' }, env, cwd);
}

function failure(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('defaults', () => {
  it('resolves production from default.yaml when nothing is given', () => {
    const c = resolve();
    expect(c.system.mode).toBe('production');
    expect(c.system.duration_s).toBe(600);
    expect(c.trading.symbols).toHaveLength(8);
    expect(c.market.venues.map((v) => v.name)).toEqual(['NYSE-SIM', 'NASDAQ-SIM', 'BATS-SIM', 'IEX-SIM']);
    expect(c.market.rate).toBe(50000);
    expect(c.system).toMatchObject({
      log_level: 'normal',
      pipeline: 'threads',
      wait_strategy: 'spin-park',
      spin_ns: 2000,
      metrics_port: 8080,
      metrics_host: '127.0.0.1',
      heartbeat_timeout_ms: 2000,
      report_dir: null,
      skip_backtest: false,
    });
    expect(c.market).toMatchObject({ source: 'sim', seed: 42 });
    expect(c.routing.router).toBe('best-price');
    expect(c.trading).toMatchObject({
      max_position_size: 10000,
      max_portfolio_value: 1000000,
      max_order_size: 1000,
      order_size: 100,
      strategy: { name: 'momentum', threshold_bps: 2, cooldown_ms: 50 },
    });
    expect(c.secrets).toEqual({
      finnhub_api_key: null,
      finnhub_ws_url: 'wss://ws.finnhub.io',
      admin_token: null,
    });
  });

  it('fast mode: 60 s, 3 symbols, 3 venues, 5000 ticks/s, progress every 5 s', () => {
    const c = resolve({ mode: 'fast' });
    expect(c.system.duration_s).toBe(60);
    expect(c.trading.symbols).toEqual(['AAPL', 'MSFT', 'GOOGL']);
    expect(c.market.venues.map((v) => v.name)).toEqual(['NYSE-SIM', 'NASDAQ-SIM', 'BATS-SIM']);
    expect(c.market.rate).toBe(5000);
    expect(c.system.progress_interval_s).toBe(5);
    expect(c.market.venues[0]).toEqual({
      name: 'NYSE-SIM',
      fee_bps: 0.3,
      spread_bps: 0.8,
      depth: 500,
      noise_bps: 0.5,
      lag_ms: 0,
      latency: {
        base_us: 250,
        jitter_sigma: 0.3,
        spike_prob: 0.02,
        spike_us: 3000,
        bursts: { per_min: 2, mean_ms: 500, spike_prob: 0.3 },
        outage: { per_hour: 1, mean_ms: 3000 },
        regimes: {
          congested_base_us: 1500,
          congested_sigma: 0.5,
          enter_per_s: 0.02,
          exit_per_s: 0.5,
          volatile_x: 20,
        },
      },
    });
  });

  it('balanced mode: 300 s, 5 symbols, 4 venues, 20000 ticks/s', () => {
    const c = resolve({ mode: 'balanced' });
    expect(c.system.duration_s).toBe(300);
    expect(c.trading.symbols).toEqual(['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'NVDA']);
    expect(c.market.venues).toHaveLength(4);
    expect(c.market.rate).toBe(20000);
  });
});

describe('precedence', () => {
  it('config/<mode>.yaml wins over default.yaml', () => {
    expect(resolve({ mode: 'production' }).system.progress_interval_s).toBe(10);
    expect(resolve({ mode: 'fast' }).system.progress_interval_s).toBe(5);
  });

  it('the --config file wins over config/<mode>.yaml and default.yaml', () => {
    const c = withFile('system: { duration_s: 123, progress_interval_s: 7 }\ntrading: { order_size: 5 }\n', {
      mode: 'fast',
    });
    expect(c.system.duration_s).toBe(123);
    expect(c.system.progress_interval_s).toBe(7);
    expect(c.trading.order_size).toBe(5);
    // Deep merge: siblings of overridden keys survive from the lower layers.
    expect(c.trading.max_order_size).toBe(1000);
    expect(c.trading.symbols).toEqual(['AAPL', 'MSFT', 'GOOGL']);
  });

  it('arrays replace instead of merging', () => {
    const c = withFile(
      'market:\n  venues:\n    - { name: ONLY, fee_bps: 0, spread_bps: 1, depth: 1, noise_bps: 0, latency: { base_us: 1, jitter_sigma: 0, spike_prob: 0, spike_us: 0 } }\n',
    );
    expect(c.market.venues.map((v) => v.name)).toEqual(['ONLY']);
  });

  it('the environment wins over the --config file', () => {
    const yaml = 'trading: { symbols: [IBM], max_position_size: 500 }\nsystem: { log_level: quiet }\n';
    const env = { TRADING_SYMBOLS: 'amd, intc', MAX_POSITION_SIZE: '700', LOG_LEVEL: 'verbose' };
    const c = withFile(yaml, {}, env);
    expect(c.trading.symbols).toEqual(['AMD', 'INTC']);
    expect(c.trading.max_position_size).toBe(700);
    expect(c.system.log_level).toBe('verbose');
  });

  it('CLI flags win over the environment', () => {
    const env = { TRADING_MODE: 'balanced', TRADING_SYMBOLS: 'AMD', LOG_LEVEL: 'verbose' };
    const c = resolve({ mode: 'fast', symbols: ' tsla ,nflx,', logLevel: 'debug' }, env);
    expect(c.system.mode).toBe('fast');
    expect(c.system.duration_s).toBe(60);
    expect(c.trading.symbols).toEqual(['TSLA', 'NFLX']);
    expect(c.system.log_level).toBe('debug');
  });

  it('maps every CLI flag to its key', () => {
    const c = resolve({
      duration: '12.5',
      skipBacktest: true,
      source: 'replay:data/record.bin',
      report: 'out/r1',
      metricsPort: '0',
      rate: '0',
      pipeline: 'fused',
      router: 'dqn',
    });
    expect(c.system).toMatchObject({
      duration_s: 12.5,
      skip_backtest: true,
      report_dir: 'out/r1',
      metrics_port: 0,
      pipeline: 'fused',
    });
    expect(c.market).toMatchObject({ source: 'replay:data/record.bin', rate: 0 });
    expect(c.routing.router).toBe('dqn');
  });

  it('accepts venues:<ws url> and finnhub sources', () => {
    expect(resolve({ source: 'venues:ws://127.0.0.1:9100' }).market.source).toBe(
      'venues:ws://127.0.0.1:9100',
    );
    expect(resolve({ source: 'finnhub' }).market.source).toBe('finnhub');
  });
});

describe('mode selection', () => {
  it('TRADING_MODE picks the mode file', () => {
    const c = resolve({}, { TRADING_MODE: 'fast' });
    expect(c.system.mode).toBe('fast');
    expect(c.market.rate).toBe(5000);
  });

  it("the --config file's system.mode picks the mode file", () => {
    const c = withFile('system:\n  mode: balanced\n');
    expect(c.system.mode).toBe('balanced');
    expect(c.market.rate).toBe(20000);
  });

  it('the environment beats the --config file when choosing the mode', () => {
    const c = withFile('system:\n  mode: balanced\n', {}, { TRADING_MODE: 'fast' });
    expect(c.system.mode).toBe('fast');
    expect(c.system.duration_s).toBe(60);
  });
});

describe('environment and .env', () => {
  it('reads .env from cwd', () => {
    const cwd = tempDir({ '.env': 'TRADING_MODE=fast\nMAX_POSITION_SIZE=42\nFINNHUB_API_KEY=abc123\n' });
    const c = resolve({}, {}, cwd);
    expect(c.system.mode).toBe('fast');
    expect(c.trading.max_position_size).toBe(42);
    expect(c.secrets.finnhub_api_key).toBe('abc123');
  });

  it('the real environment wins over .env', () => {
    const cwd = tempDir({ '.env': 'MAX_POSITION_SIZE=42\nHFT_ADMIN_TOKEN=from-file\n' });
    const c = resolve({}, { MAX_POSITION_SIZE: '77', HFT_ADMIN_TOKEN: 'from-env' }, cwd);
    expect(c.trading.max_position_size).toBe(77);
    expect(c.secrets.admin_token).toBe('from-env');
  });

  it('treats empty variables as unset, like a copied .env.example', () => {
    const cwd = tempDir({ '.env': 'TRADING_MODE=\nTRADING_SYMBOLS=\nFINNHUB_WS_URL=\n' });
    const c = resolve({}, { MAX_POSITION_SIZE: '' }, cwd);
    expect(c.system.mode).toBe('production');
    expect(c.trading.max_position_size).toBe(10000);
    expect(c.secrets.finnhub_ws_url).toBe('wss://ws.finnhub.io');
  });

  it('reads the secrets', () => {
    const env = { FINNHUB_API_KEY: 'k', FINNHUB_WS_URL: 'wss://example.test/ws', HFT_ADMIN_TOKEN: 't' };
    expect(resolve({}, env).secrets).toEqual({
      finnhub_api_key: 'k',
      finnhub_ws_url: 'wss://example.test/ws',
      admin_token: 't',
    });
  });

  it('names the variable a bad value came from, and never prints secrets', () => {
    const e = failure(() => resolve({}, { MAX_POSITION_SIZE: '-5' }));
    expect(e.message).toBe(
      'config trading.max_position_size: must be a positive number, got -5 (from MAX_POSITION_SIZE)',
    );
    const s = failure(() => resolve({}, { FINNHUB_WS_URL: 'http://secret-token@host' }));
    expect(s.field).toBe('secrets.finnhub_ws_url');
    expect(s.message).toContain('FINNHUB_WS_URL');
    expect(s.message).not.toContain('secret-token');
  });

  it('rejects a bad TRADING_MODE', () => {
    expect(failure(() => resolve({}, { TRADING_MODE: 'turbo' })).message).toBe(
      'config system.mode: must be one of fast, balanced, production, got "turbo" (from TRADING_MODE)',
    );
  });
});

describe('invalid YAML config', () => {
  it('rejects an unknown key, naming its path', () => {
    const e = failure(() => withFile('trading:\n  bogus: 1\n'));
    expect(e.field).toBe('trading.bogus');
    expect(e.message).toBe('config trading.bogus: unknown key');
  });

  it('reports a misspelt key as unknown rather than the real one as missing', () => {
    expect(failure(() => withFile('market:\n  venues:\n    - { nmae: X }\n')).field).toBe(
      'market.venues[0].nmae',
    );
  });

  it('rejects a non-positive max_position_size', () => {
    const e = failure(() => withFile('trading:\n  max_position_size: -5\n'));
    expect(e.message).toBe('config trading.max_position_size: must be a positive number, got -5');
    expect(e.field).toBe('trading.max_position_size');
    expect(e.reason).toBe('must be a positive number, got -5');
    expect(e.exitCode).toBe(2);
  });

  it('takes the venue probe interval and the inference keep-warm, refusing negative ones', () => {
    const c = withFile('market: { probe_interval_ms: 2 }\nsystem: { inference_warm_us: 0 }\n');
    expect(c.market.probe_interval_ms).toBe(2);
    expect(c.system.inference_warm_us).toBe(0);
    expect(resolve({}).market.probe_interval_ms).toBe(100);
    expect(resolve({}).system.inference_warm_us).toBe(1000);
    expect(failure(() => withFile('market: { probe_interval_ms: -1 }\n')).field).toBe(
      'market.probe_interval_ms',
    );
    expect(failure(() => withFile('system: { inference_warm_us: -5 }\n')).field).toBe(
      'system.inference_warm_us',
    );
  });

  it('rejects wrong types with the value shown', () => {
    expect(failure(() => withFile('system: { metrics_port: "http" }\n')).message).toBe(
      'config system.metrics_port: must be an integer port from 0 to 65535 (0 disables the HTTP server), got "http"',
    );
    expect(failure(() => withFile('trading: 5\n')).message).toBe('config trading: must be a mapping, got 5');
    expect(failure(() => withFile('system: { skip_backtest: [1] }\n')).message).toBe(
      'config system.skip_backtest: must be true or false, got a list',
    );
  });

  it('rejects order_size above max_order_size', () => {
    expect(failure(() => withFile('trading: { order_size: 2000 }\n')).message).toBe(
      'config trading.order_size: must not exceed trading.max_order_size (1000), got 2000',
    );
  });

  it('rejects bad and duplicate symbols', () => {
    expect(failure(() => withFile('trading: { symbols: [AAPL, aapl] }\n')).field).toBe('trading.symbols[1]');
    expect(failure(() => withFile('trading: { symbols: [AAPL, MSFT, AAPL] }\n')).message).toBe(
      'config trading.symbols: lists AAPL more than once',
    );
  });

  it('rejects duplicate venue names and out-of-range latency settings', () => {
    const venue = (name: string, spike = 0.1) =>
      `{ name: ${name}, fee_bps: 0, spread_bps: 1, depth: 1, noise_bps: 0, latency: { base_us: 1, jitter_sigma: 0, spike_prob: ${spike}, spike_us: 0 } }`;
    expect(failure(() => withFile(`market:\n  venues: [${venue('A')}, ${venue('A')}]\n`)).message).toBe(
      'config market.venues: lists venue A more than once',
    );
    expect(failure(() => withFile(`market:\n  venues: [${venue('A', 1.5)}]\n`)).message).toBe(
      'config market.venues[0].latency.spike_prob: must be a probability from 0 to 1, got 1.5',
    );
  });

  it('rejects non-finite numbers', () => {
    expect(failure(() => withFile('market: { rate: .inf }\n')).field).toBe('market.rate');
    expect(failure(() => withFile('system: { spin_ns: .nan }\n')).field).toBe('system.spin_ns');
  });

  it('rejects a system.mode that is not a mode name', () => {
    expect(failure(() => withFile('system: { mode: [fast] }\n')).message).toBe(
      'config system.mode: must be one of fast, balanced, production, got a list',
    );
  });

  it('rejects secrets in YAML', () => {
    const e = failure(() => withFile('secrets:\n  admin_token: x\n'));
    expect(e.field).toBe('secrets');
    expect(e.message).toContain('unknown key');
  });

  it('reports a missing --config file', () => {
    const e = failure(() => resolve({ config: 'missing.yaml' }));
    expect(e.message).toBe('config --config: file not found: missing.yaml');
  });

  it('reports YAML syntax errors with the file and line', () => {
    const e = failure(() => withFile('trading:\n  symbols: [AAPL,\nsystem:\n  mode: fast\n'));
    expect(e.field).toBe('--config');
    expect(e.message).toMatch(/^config --config: YAML syntax error in user\.yaml at line \d+: \S/);
    expect(e.message).not.toContain('\n');
  });

  it('rejects a file that is not a mapping', () => {
    expect(failure(() => withFile('- a\n- b\n')).message).toBe(
      'config --config: user.yaml must hold a mapping at the top level, got a list',
    );
  });

  it('accepts an empty file', () => {
    expect(withFile('').system.mode).toBe('production');
  });

  it('keeps __proto__ as data and rejects it as an unknown key', () => {
    expect(failure(() => withFile('trading:\n  __proto__: { polluted: 1 }\n')).field).toBe(
      'trading.__proto__',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('invalid CLI flags', () => {
  const flagError = (cli: CliOverrides) => failure(() => resolve(cli));

  it('--mode turbo', () => {
    expect(flagError({ mode: 'turbo' }).message).toBe(
      'config --mode: must be one of fast, balanced, production, got "turbo"',
    );
  });

  it('--duration -1 and abc', () => {
    expect(flagError({ duration: '-1' }).message).toBe(
      'config --duration: must be a positive number of seconds, got -1',
    );
    expect(flagError({ duration: 'abc' }).message).toBe(
      'config --duration: must be a positive number of seconds, got "abc"',
    );
    expect(flagError({ duration: '' }).field).toBe('--duration');
  });

  it("--symbols '' and ','", () => {
    expect(flagError({ symbols: '' }).message).toBe('config --symbols: must list at least one symbol');
    expect(flagError({ symbols: ' , ,' }).message).toBe('config --symbols: must list at least one symbol');
    expect(flagError({ symbols: 'AAPL,A$B' }).field).toBe('--symbols');
  });

  it('--metrics-port 70000 and 80.5', () => {
    expect(flagError({ metricsPort: '70000' }).message).toBe(
      'config --metrics-port: must be an integer port from 0 to 65535 (0 disables the HTTP server), got 70000',
    );
    expect(flagError({ metricsPort: '80.5' }).field).toBe('--metrics-port');
  });

  it('bad --source', () => {
    for (const source of ['nasdaq', 'replay:', 'venues:http://x', 'venues:not a url']) {
      expect(flagError({ source }).message).toBe(
        `config --source: must be sim, finnhub, replay:<FILE> or venues:<ws url>, got ${JSON.stringify(source)}`,
      );
    }
  });

  it('bad --rate, --pipeline, --router, --log-level, --report', () => {
    expect(flagError({ rate: '-1' }).field).toBe('--rate');
    expect(flagError({ pipeline: 'forked' }).field).toBe('--pipeline');
    expect(flagError({ router: 'magic' }).message).toBe(
      'config --router: must be one of dqn, ppo, round-robin, best-price, lowest-latency, predicted-latency, latency-adjusted, got "magic"',
    );
    expect(flagError({ logLevel: 'loud' }).field).toBe('--log-level');
    expect(flagError({ report: '  ' }).field).toBe('--report');
  });
});

describe('properties', () => {
  const onlyExpectedErrors = (run: () => unknown) => {
    try {
      run();
    } catch (err) {
      if (!(err instanceof ConfigError || err instanceof UsageError)) throw err;
      expect(err.message).not.toContain('\n');
    }
  };

  const garbage = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom(null, '', '.inf', -0, Number.NaN, Number.POSITIVE_INFINITY, [], {}, '__proto__'),
    fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'name', 'x'), fc.jsonValue()),
  );
  const keyPaths = fc.constantFrom(
    ['trading'],
    ['trading', 'symbols'],
    ['trading', 'max_position_size'],
    ['trading', 'strategy'],
    ['system'],
    ['system', 'mode'],
    ['system', 'duration_s'],
    ['system', 'report_dir'],
    ['market', 'venues'],
    ['market', 'source'],
    ['routing'],
  );

  it('garbage YAML values only ever raise ConfigError', () => {
    fc.assert(
      fc.property(keyPaths, garbage, (keyPath, value) => {
        const doc = keyPath.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
        onlyExpectedErrors(() => withFile(YAML.stringify(doc)));
      }),
      { numRuns: 200 },
    );
  });

  it('garbage file text only ever raises ConfigError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => onlyExpectedErrors(() => withFile(text))),
      { numRuns: 200 },
    );
  });

  it('garbage CLI and environment strings only ever raise ConfigError', () => {
    const cli = fc.record(
      {
        mode: fc.string(),
        duration: fc.string(),
        symbols: fc.string(),
        metricsPort: fc.string(),
        rate: fc.string(),
        source: fc.string(),
        router: fc.string(),
      },
      { requiredKeys: [] },
    );
    const env = fc.record(
      { TRADING_SYMBOLS: fc.string(), MAX_POSITION_SIZE: fc.string(), FINNHUB_WS_URL: fc.string() },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(cli, env, (c, e) => onlyExpectedErrors(() => resolve(c, e))),
      { numRuns: 200 },
    );
  });
});
