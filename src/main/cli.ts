#!/usr/bin/env node
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
/** The `hft` command line (docs/contract.md). `run` is the default command. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import type { CliOverrides } from '../config/config-types.js';
import { resolveConfig } from '../config/resolve-config.js';
import { ConfigError } from '../core/errors.js';
import { createLogger, logFormat } from '../core/logger.js';
import { resolveCacheDir } from '../market/history/history-cache.js';
import { RECORDING_FILE_NAME } from '../market/recording/recording-format.js';
import { packageRoot } from '../ml/models-dir.js';
import { runVenuesCommand } from '../venues/venues-command.js';
import { runBacktestCommand } from './backtest-command.js';
import { runClusterCommand } from './cluster-command.js';
import { checkCommandWord } from './command-hint.js';
import { RECOVER_FROM_CLUSTER } from './daemon-cluster.js';
import { runHistoryCommand } from './history-command.js';
import { type EvalCliOptions, runEvalCommand, runTrainCommand, type TrainCliOptions } from './ml-commands.js';
import { runDaemon } from './run-command.js';
import { defaultReportDir } from './run-preflight.js';
import { runSweepCommand } from './sweep-command.js';

const CONFIG_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../config');
/** latency: the causal filter's reference for a --samples file (latency-data.ts KNOWN_PROCESSES). */
const PROCESS_HELP =
  'latency: the known process a --samples file was drawn from (abides), to score its causal filter';

function buildProgram(): Command {
  const program = new Command('hft')
    .description('hft-router: low-latency order routing over a shared-memory worker pipeline')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('run', { isDefault: true })
    .description('run the trading daemon (default: embedded simulated market)')
    .option('--mode <mode>', 'fast | balanced | production (default production)')
    .option('--duration <seconds>', 'stop after this many seconds')
    .option('--symbols <list>', 'comma-separated symbols, e.g. AAPL,MSFT')
    .option('--config <path>', 'YAML config file')
    .option('--log-level <level>', 'quiet | normal | verbose | debug')
    .option('--skip-backtest', 'do not run the backtest phase after trading')
    .option('--source <source>', 'sim | replay:FILE | finnhub | venues:URL')
    .option('--report <dir>', 'where summary.json goes (default reports/<utc-stamp>/)')
    .option('--metrics-port <port>', 'HTTP port for /metrics and /health; 0 disables')
    .option('--rate <ticksPerSec>', 'simulated tick rate; 0 = as fast as it goes')
    .option(
      '--speed <factor>',
      'replay speed for --source replay:FILE (1 = as recorded, 0 = as fast as it goes)',
    )
    .option('--pipeline <topology>', 'threads | fused | inline')
    .option('--router <name>', 'best-price | round-robin | lowest-latency | dqn | ppo | predicted-latency')
    .option(
      '--recover <journal>',
      "start from the positions and open orders rebuilt from a journal (`cluster`: the shard's journal stream)",
    )
    .option('--cluster <urls>', 'comma-separated nats:// URLs: join a cluster of daemons (docs/cluster.md)')
    .option('--shard <I/K>', 'with --cluster: trade the symbols that hash to shard I of K')
    .option('--no-record', 'do not record ticks and latency samples (no record.hftrec, no backtest phase)')
    .action(async (opts: CliOverrides & { recover?: string }) => {
      const { recover, record, ...rest } = opts;
      // commander sets record: true when --no-record is absent; only the flag may override config.
      const overrides: CliOverrides = record === false ? { ...rest, record: false } : rest;
      const cfg = resolveConfig(overrides, process.env, { configDir: CONFIG_DIR, cwd: process.cwd() });
      if (recover !== undefined && recover !== RECOVER_FROM_CLUSTER && !existsSync(recover))
        throw new ConfigError('--recover', `journal not found: ${recover}`);
      const log = createLogger(cfg.system.log_level);
      await runDaemon(cfg, log, (line) => process.stdout.write(`${line}\n`), recover ?? null);
    });
  program
    .command('backtest')
    .description(
      'replay a recording through the live stages on a simulated clock; writes summary.json and report.html',
    )
    .requiredOption('--data <file>', 'a recording: hft record --out, or record.hftrec in any run report')
    .option('--report <dir>', 'where summary.json and report.html go (default reports/<utc-stamp>/)')
    .option('--router <name>', 'best-price | round-robin | lowest-latency | dqn | ppo | predicted-latency')
    .option('--sweep <file>', 'YAML parameter grid: backtest every combination in parallel (piscina)')
    .option('--mode <mode>', 'fast | balanced | production (default production)')
    .option('--config <path>', 'YAML config file')
    .option('--log-level <level>', 'quiet | normal | verbose | debug')
    .action(async (opts: CliOverrides & { data: string; sweep?: string }) => {
      const { data, sweep, ...overrides } = opts;
      const cfg = resolveConfig(overrides, process.env, { configDir: CONFIG_DIR, cwd: process.cwd() });
      const reportDir = resolve(cfg.system.report_dir ?? defaultReportDir());
      const print = (line: string) => process.stdout.write(`${line}\n`);
      if (sweep !== undefined) await runSweepCommand(cfg, { data, sweep, reportDir }, print);
      else await runBacktestCommand(cfg, { data, reportDir }, print);
    });
  program
    .command('venues')
    .description('serve the simulated venues as WebSocket servers on 127.0.0.1 (one path per venue)')
    .option('--port <port>', 'TCP port (0 picks a free one)', '0')
    .option(
      '--mode <mode>',
      'fast | balanced | production: which venues and symbols (default production, as hft run)',
    )
    .option('--config <path>', 'YAML config file')
    .option('--symbols <list>', 'comma-separated symbols')
    .option(
      '--fixed-delay-us <list>',
      'fixed round trip per venue instead of its latency model, e.g. NYSE-SIM=200,BATS-SIM=5000',
    )
    .action(async (opts: CliOverrides & { port: string; fixedDelayUs?: string }) => {
      const { port, fixedDelayUs, ...overrides } = opts;
      const delayUs = parseDelays(fixedDelayUs);
      const portNumber = Number(port);
      if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) {
        throw new ConfigError('--port', `must be an integer port from 0 to 65535, got ${port}`);
      }
      const cfg = resolveConfig(overrides, process.env, { configDir: CONFIG_DIR, cwd: process.cwd() });
      const log = createLogger(cfg.system.log_level);
      const venues = await runVenuesCommand({
        port: portNumber,
        configVenues: cfg.market.venues,
        symbols: cfg.trading.symbols,
        seed: cfg.market.seed,
        log,
        delayUs,
      });
      process.stdout.write(
        `trade against them with: hft run --source venues:ws://127.0.0.1:${venues.port}\n` +
          `inject faults with: POST http://127.0.0.1:${venues.port}/control/<venue> (docs/venue-protocol.md)\n`,
      );
      await new Promise<void>((resolveStop) => {
        process.once('SIGINT', () => resolveStop());
        process.once('SIGTERM', () => resolveStop());
      });
      await venues.close();
    });

  program
    .command('history')
    .description(
      'cache daily (and recent intraday) bars from Yahoo Finance to calibrate the simulated market',
    )
    .requiredOption('--symbols <list>', 'comma-separated symbols, e.g. AAPL,MSFT')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day (inclusive), YYYY-MM-DD')
    .option('--cache-dir <dir>', 'cache directory (default $HFT_CACHE_DIR or .hft-cache)')
    .action(async (opts: { symbols: string; from: string; to: string; cacheDir?: string }) => {
      const cacheDir = opts.cacheDir ? resolve(opts.cacheDir) : resolveCacheDir(process.env, process.cwd());
      await runHistoryCommand(
        { symbols: opts.symbols.split(','), from: opts.from, to: opts.to, cacheDir },
        (line) => process.stdout.write(`${line}\n`),
      );
    });

  program
    .command('train')
    .description(
      'train a model: latency (quantile MLP) or a routing policy (dqn | ppo); exported to ONNX with metadata',
    )
    .argument('<model>', 'latency | dqn | ppo')
    .option('--out <dir>', 'where model.onnx and metadata.json go (default runs/<utc-stamp>/<model>/)')
    .option(
      '--install',
      'replace the served model in models/ if the new one beats its baseline on held-out data',
    )
    .option('--seed <n>', 'training seed (initial weights, shuffling, simulated streams or episodes)', '1')
    .option('--samples <file>', 'latency: samples as CSV (timestamp_ns,venue,latency_ns) or a recording')
    .option('--process <name>', PROCESS_HELP)
    .option('--epochs <n>', 'latency: passes over the training rows')
    .option('--streams <n>', 'latency: simulated training streams per venue (without --samples)')
    .option('--stream-seconds <s>', 'latency: length of each simulated stream (without --samples)')
    .option('--episodes <n>', 'dqn, ppo: training episodes (default dqn 1000, ppo 3000)')
    .option('--eval-episodes <n>', 'dqn, ppo: held-out episodes scored into metadata.json (0 skips)')
    .option('--threads <n>', 'dqn, ppo: rollout threads (default every core)')
    .option(
      '--forecaster <name>',
      'dqn, ppo: the latency forecasts the policy learns on: ewma | onnx (default the served ones)',
    )
    .option('--mode <mode>', 'whose config/<mode>.yaml venues (default production; dqn, ppo: fast)')
    .option('--config <path>', 'YAML config file')
    .option('--log-level <level>', 'quiet | normal | verbose | debug')
    .action(async (model: string, opts: TrainCliOptions) => {
      const venues = model === 'latency' ? configVenues(opts) : [];
      await runTrainCommand(
        model,
        opts,
        venues,
        argvText(),
        (line) => process.stdout.write(`${line}\n`),
        CONFIG_DIR,
      );
    });
  program
    .command('eval')
    .description(
      'score a trained model on held-out data: latency (vs baselines) or routing (vs fixed routers)',
    )
    .argument('<model>', 'latency | routing')
    .option('--samples <file>', 'latency: samples as CSV (timestamp_ns,venue,latency_ns) or a recording')
    .option('--process <name>', PROCESS_HELP)
    .option(
      '--model <path>',
      'the model to score (default the shipped models/: latency/model.onnx, or the dqn and ppo for the venues); routing: repeat it to score several',
      (path: string, prev: string[] | undefined) => [...(prev ?? []), path],
    )
    .option('--report <dir>', 'write eval.json and eval.svg there (routing default reports/<utc-stamp>/)')
    .option(
      '--episodes <n>',
      'routing: held-out episodes (default 100; with --tune training episodes, default 20)',
    )
    .option('--tune', 'routing: tune the latency-adjusted router on training seeds and print its constants')
    .option('--mode <mode>', 'whose config/<mode>.yaml venues (default production; routing: fast)')
    .option('--config <path>', 'YAML config file')
    .option('--log-level <level>', 'quiet | normal | verbose | debug')
    .action(async (model: string, opts: EvalCliOptions) => {
      const venues = model === 'latency' ? configVenues(opts) : [];
      await runEvalCommand(model, opts, venues, (line) => process.stdout.write(`${line}\n`), CONFIG_DIR);
    });

  program
    .command('cluster')
    .description('the cluster of daemons on NATS JetStream: shards and their holders, the budget, the halt')
    .argument('<action>', 'status')
    .requiredOption('--cluster <urls>', 'comma-separated nats:// URLs')
    .option('--json', 'print the status as JSON')
    .action(async (action: string, opts: { cluster?: string; json?: boolean }) => {
      await runClusterCommand(action, opts, (line) => process.stdout.write(`${line}\n`));
    });

  program
    .command('record')
    .description('run the simulated market and record its ticks and latency samples to a file')
    .requiredOption('--duration <seconds>', 'how long to record')
    .requiredOption('--out <file>', 'the recording to write (format: docs/recording-format.md)')
    .option('--mode <mode>', 'fast | balanced | production (default production, as hft run)')
    .option('--symbols <list>', 'comma-separated symbols')
    .option('--rate <ticksPerSec>', 'simulated tick rate')
    .option('--config <path>', 'YAML config file')
    .option('--log-level <level>', 'quiet | normal | verbose | debug')
    .action(async (opts: CliOverrides & { out: string }) => {
      const { out, ...overrides } = opts;
      if (existsSync(out)) throw new ConfigError('--out', `${out} already exists; refusing to overwrite it`);
      const report = mkdtempSync(join(tmpdir(), 'hft-record-'));
      const cfg = resolveConfig(
        { ...overrides, skipBacktest: true, metricsPort: '0', report, record: true },
        process.env,
        { configDir: CONFIG_DIR, cwd: process.cwd() },
      );
      const log = createLogger(cfg.system.log_level);
      const { summary } = await runDaemon(cfg, log, () => {});
      copyFileSync(join(report, RECORDING_FILE_NAME), out);
      rmSync(report, { recursive: true, force: true });
      const r = summary.recording;
      process.stdout.write(`recorded ${r.ticks} ticks and ${r.latency_samples} latency samples to ${out}\n`);
      if (r.dropped_at_limit > 0)
        process.stdout.write(
          `the recording stopped growing at system.record_max_mb (${r.max_mb} MB): ${r.dropped_at_limit} later ticks and samples are not in it; raise it, or set 0 for no limit\n`,
        );
    });
  return program;
}

/** The simulated venues (their latency models) of the chosen mode and config file. */
function configVenues(opts: { mode?: string; config?: string }) {
  const cfg = resolveConfig({ mode: 'production', ...opts }, process.env, {
    configDir: CONFIG_DIR,
    cwd: process.cwd(),
  });
  return cfg.market.venues;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
    .version;
}

function argvText(): string {
  return ['hft', ...process.argv.slice(2)].join(' ');
}

/** `NAME=US,NAME=US` -> { NAME: US }; undefined when not given. */
function parseDelays(text: string | undefined): Record<string, number> | undefined {
  if (text === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [name, us] = part.split('=');
    const value = Number(us);
    if (!name || !(value >= 0))
      throw new ConfigError('--fixed-delay-us', `expected NAME=MICROSECONDS, got "${part}"`);
    out[name.trim()] = value;
  }
  return out;
}

/** Maps errors to exit statuses: 2 for usage/config (one line, no stack), 1 for runtime faults. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('debug') && argv.some((a) => a.startsWith('--log-level'));
  // Workers inherit the environment: they format their log lines as main does.
  process.env.HFT_LOG_FORMAT = logFormat();
  try {
    const program = buildProgram();
    checkCommandWord(argv[2], [...program.commands.map((c) => c.name()), 'help']);
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
    }
    const e = err as Error & { exitCode?: number; context?: unknown };
    const code = e.exitCode === 2 ? 2 : 1;
    process.stderr.write(`hft: ${e.message}\n`);
    if (code === 1 && e.context) process.stderr.write(`hft: context ${JSON.stringify(e.context)}\n`);
    if (debug) process.stderr.write(`${e.stack}\n`);
    return code;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Exit explicitly: a daemon must not linger on a handle left open by a failed run.
  process.exit(await main(process.argv));
}
