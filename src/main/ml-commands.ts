/**
 * `hft train <model>` and `hft eval <model>`: flag parsing and dispatch by model name. The
 * training code (tfjs) is imported only when a command needs it, so `hft run` never loads it.
 */
import { resolve } from 'node:path';
import type { CliOverrides, VenueConfig } from '../config/config-types.js';
import { resolveConfig } from '../config/resolve-config.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { modelsDir } from '../ml/models-dir.js';
import type { MeanCi } from '../ml/rl/confidence.js';
import { type RoutingEnvOptions, servedForecaster } from '../ml/rl/env-options.js';
import {
  checkTrainOut,
  defaultTrainDir,
  type InstallVerdict,
  installModel,
  installTarget,
  latencyVerdict,
  routingVerdict,
} from './model-install.js';
import { defaultReportDir } from './run-preflight.js';

export interface TrainCliOptions {
  out?: string;
  /** Replace the served model in models/ when the new one beats its baseline on held-out data. */
  install?: boolean;
  seed: string;
  samples?: string;
  process?: string;
  epochs?: string;
  streams?: string;
  streamSeconds?: string;
  mode?: string;
  config?: string;
  /** dqn, ppo: training episodes, held-out episodes scored after training, rollout threads. */
  episodes?: string;
  evalEpisodes?: string;
  threads?: string;
  /** dqn, ppo: the latency forecasts the policy learns on (default: the ones the daemon serves). */
  forecaster?: string;
  logLevel?: string;
}

export interface EvalCliOptions {
  samples?: string;
  /** latency: the known process a --samples file was drawn from (abides). */
  process?: string;
  /** The model to score; routing: several, e.g. one policy trained on each forecast. */
  model?: string | string[];
  report?: string;
  mode?: string;
  config?: string;
  /** routing: held-out episodes. */
  episodes?: string;
  /** routing: tune the latency-adjusted router on training seeds instead of scoring. */
  tune?: boolean;
  logLevel?: string;
}

const TRAINABLE = ['latency', 'dqn', 'ppo'];
const EVALUABLE = ['latency', 'routing'];

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(flag, `must be a positive integer, got ${text}`);
  return n;
}

/** `--forecaster ewma|onnx` as environment options (the served one when absent). */
function trainingForecaster(text: string | undefined): Partial<RoutingEnvOptions> | undefined {
  if (text === undefined) return undefined;
  if (text === 'ewma') return { forecaster: 'ewma', latencyModelDir: undefined };
  if (text !== 'onnx') throw new ConfigError('--forecaster', `expected ewma or onnx, got ${text}`);
  const served = servedForecaster();
  if (served.forecaster !== 'onnx')
    throw new ConfigError(
      '--forecaster',
      'onnx: no latency model is installed (models/latency or $HFT_LATENCY_MODEL)',
    );
  return served;
}

function nonNegativeInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(flag, `must be a non-negative integer, got ${text}`);
  return n;
}

function unknownModel(model: string, command: string, known = TRAINABLE): UsageError {
  return new UsageError(`${command}: unknown model "${model}"; expected one of ${known.join(', ')}`);
}

/** The routing commands' config: the chosen mode's venues, market rate and limits (default fast). */
function routingConfig(o: { mode?: string; config?: string; logLevel?: string }, configDir: string) {
  const cli: CliOverrides = { mode: o.mode ?? 'fast', config: o.config, logLevel: o.logLevel };
  return resolveConfig(cli, process.env, { configDir, cwd: process.cwd() });
}

export async function runTrainCommand(
  model: string,
  o: TrainCliOptions,
  venues: readonly VenueConfig[],
  command: string,
  print: (line: string) => void,
  configDir = '',
): Promise<void> {
  if (!TRAINABLE.includes(model)) throw unknownModel(model, 'hft train');
  const out = resolve(o.out ?? defaultTrainDir(model));
  checkTrainOut(out);
  if (model === 'dqn' || model === 'ppo') {
    const { DEFAULT_EPISODES, runTrainRoutingCommand } = await import('./train-routing-command.js');
    const cfg = routingConfig(o, configDir);
    const trained = await runTrainRoutingCommand(
      model,
      cfg,
      {
        out,
        seed: nonNegativeInt('--seed', o.seed),
        episodes: positiveInt('--episodes', o.episodes) ?? DEFAULT_EPISODES[model],
        evalEpisodes: nonNegativeInt('--eval-episodes', o.evalEpisodes ?? '100'),
        threads: positiveInt('--threads', o.threads),
        envOverrides: trainingForecaster(o.forecaster),
        command,
        progress: cfg.system.log_level !== 'quiet',
      },
      print,
    );
    const h = trained.metadata.metrics.heldout as
      | { vs_best_fixed_bps?: MeanCi; best_fixed?: string }
      | undefined;
    const verdict = routingVerdict(h?.vs_best_fixed_bps, h?.best_fixed ?? 'the best fixed router');
    const venueNames = cfg.market.venues.map((v) => v.name);
    finishTraining(model, out, verdict, o.install, installTarget(model, venueNames, cfg.system.mode), print);
    return;
  }
  const { runTrainLatency } = await import('./train-command.js');
  const report = await runTrainLatency(
    {
      out,
      seed: nonNegativeInt('--seed', o.seed),
      samples: o.samples,
      process: o.process,
      epochs: positiveInt('--epochs', o.epochs),
      streams: positiveInt('--streams', o.streams),
      streamSeconds: positiveInt('--stream-seconds', o.streamSeconds),
      venues,
      command,
    },
    print,
  );
  const verdict = latencyVerdict(report.improvement_vs_best, report.best_baseline);
  finishTraining(model, out, verdict, o.install, installTarget(model, [], ''), print);
}

/** Installs the trained model when asked (and it beats its baseline), else says how to serve it. */
function finishTraining(
  model: string,
  out: string,
  verdict: InstallVerdict,
  install: boolean | undefined,
  target: string,
  print: (line: string) => void,
): void {
  print(`held-out verdict: ${verdict.summary}`);
  if (install) {
    installModel(out, target, verdict);
    print(`installed into ${target}: the daemon serves it from its next start`);
  } else if (model === 'latency') {
    print(`not installed; to serve it: HFT_LATENCY_MODEL=${out}/model.onnx, or train again with --install`);
  } else {
    print(`not installed; to serve it, train again with --install (it must beat the best fixed router)`);
  }
}

export async function runEvalCommand(
  model: string,
  o: EvalCliOptions,
  venues: readonly VenueConfig[],
  print: (line: string) => void,
  configDir = '',
): Promise<void> {
  if (model === 'routing') {
    const { runEvalRoutingCommand } = await import('./eval-routing-command.js');
    const cfg = routingConfig(o, configDir);
    if (o.tune) {
      const { runTuneRouting } = await import('./tune-routing-command.js');
      runTuneRouting(cfg, positiveInt('--episodes', o.episodes) ?? 20, print);
      return;
    }
    const episodes = positiveInt('--episodes', o.episodes) ?? 100;
    if (episodes < 2) throw new ConfigError('--episodes', `must be at least 2, got ${episodes}`);
    await runEvalRoutingCommand(
      cfg,
      {
        modelPaths: o.model === undefined ? [modelsDir()] : [o.model].flat().map((m) => resolve(m)),
        reportDir: resolve(o.report ?? defaultReportDir()),
        episodes,
        progress: cfg.system.log_level !== 'quiet',
      },
      print,
    );
    return;
  }
  if (model !== 'latency') throw unknownModel(model, 'hft eval', EVALUABLE);
  const { runEvalLatency } = await import('./eval-command.js');
  if (Array.isArray(o.model) && o.model.length > 1)
    throw new UsageError('hft eval latency: one --model at a time');
  await runEvalLatency(
    { samples: o.samples, model: [o.model ?? []].flat()[0], report: o.report, process: o.process, venues },
    print,
  );
}
