/**
 * What `hft run`, `hft backtest` and the sweep check before anything starts, and where a run's
 * files go: refusing early is cheaper than failing a worker later.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type HftConfig, ROUTERS } from '../config/config-types.js';
import { ConfigError } from '../core/errors.js';
import type { RegistryData } from '../core/registry.js';
import { RecordingFormatError } from '../market/recording/recording-format.js';
import { RecordingReader } from '../market/recording/recording-reader.js';
import { KNOWN_PRICES } from '../market/sim-market.js';
import { isPolicyRouterName, policyProblem } from '../routing/create-policy-router.js';

export const JOURNAL_FILE = 'journal.hftj';

/** Refuses, before anything starts, what this build cannot run. */
export function checkRunnable(cfg: HftConfig): void {
  const src = cfg.market.source;
  if (src === 'finnhub' && !cfg.secrets.finnhub_api_key) {
    throw new ConfigError('FINNHUB_API_KEY', 'must be set (environment or .env) for --source finnhub');
  }
  if (src.startsWith('replay:') && !existsSync(src.slice('replay:'.length))) {
    throw new ConfigError('--source', `recording not found: ${src.slice('replay:'.length)}`);
  }
  checkRouterAvailable(
    cfg.routing.router,
    'routing.router',
    cfg.market.venues.map((v) => v.name),
  );
}

/**
 * Refuses a router this build cannot serve: an unknown one, or a trained one without a model for
 * these venues (in this order: a policy's inputs and outputs are per venue).
 */
export function checkRouterAvailable(router: string, field: string, venues: readonly string[]): void {
  if (!(ROUTERS as readonly string[]).includes(router)) {
    throw new ConfigError(field, `unknown router "${router}"; use one of ${ROUTERS.join(', ')}`);
  }
  if (isPolicyRouterName(router)) {
    const why = policyProblem(router, venues);
    if (why !== null) throw new ConfigError(field, why);
  }
}

/**
 * Refuses a symbol or venue the source has no market for, instead of trading it silently: the
 * simulated market knows built-in prices (or `hft history`'s cache), a replay only the recording's
 * symbols and venues.
 */
export function checkSymbolsServed(cfg: HftConfig, calibrated: readonly string[]): void {
  const src = cfg.market.source;
  let missing: string[] = [];
  let why = '';
  if (src === 'sim') {
    missing = cfg.trading.symbols.filter((s) => KNOWN_PRICES[s] === undefined && !calibrated.includes(s));
    why = `the simulated market has no price for it (built in: ${Object.keys(KNOWN_PRICES).join(', ')}); calibrate it first with hft history --symbols ${missing.join(',')} --from YYYY-MM-DD --to YYYY-MM-DD`;
  } else if (src.startsWith('replay:')) {
    const recorded = recordedRegistry(src.slice('replay:'.length));
    missing = [
      ...cfg.trading.symbols.filter((s) => !recorded.symbols.includes(s)),
      ...cfg.market.venues.map((v) => v.name).filter((v) => !recorded.venues.includes(v)),
    ];
    why = `the recording has only ${[...recorded.symbols, ...recorded.venues].join(', ')}; replay it in the mode it was recorded in (--mode), or choose --symbols`;
  }
  if (missing.length > 0) {
    throw new ConfigError('trading.symbols', `${missing.join(', ')}: ${why}`);
  }
}

function recordedRegistry(file: string): RegistryData {
  try {
    const reader = new RecordingReader(file);
    reader.close();
    return reader.header.registry;
  } catch (err) {
    if (err instanceof RecordingFormatError) throw new ConfigError('--source', err.message);
    throw err;
  }
}

/** A folder name for `now`: UTC to the second, `:` replaced so it is valid everywhere (2026-12-05T22-01-02Z). */
export function utcStamp(now = new Date()): string {
  return now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
}

export function defaultReportDir(now = new Date()): string {
  return resolve('reports', utcStamp(now));
}

/** The run's report directory (not created yet); refused when it already holds a run's journal. */
export function checkReportDir(cfg: HftConfig): string {
  const reportDir = cfg.system.report_dir ? resolve(cfg.system.report_dir) : defaultReportDir();
  if (existsSync(resolve(reportDir, JOURNAL_FILE))) {
    throw new ConfigError(
      '--report',
      `${reportDir} already holds a run (${JOURNAL_FILE}); use a new directory`,
    );
  }
  return reportDir;
}
