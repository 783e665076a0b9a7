/**
 * `hft train <model>` and `hft eval <model>`: flag parsing and dispatch by model name. The
 * training code (tfjs) is imported only when a command needs it, so `hft run` never loads it.
 */
import { resolve } from 'node:path';
import type { CliOverrides, VenueConfig } from '../config/config-types.js';
import { resolveConfig } from '../config/resolve-config.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { modelsDir } from '../ml/rl/policy-store.js';
import { defaultReportDir } from './run-preflight.js';

export interface TrainCliOptions {
  out?: string;
  seed: string;
  samples?: string;
  epochs?: string;
  streams?: string;
  streamSeconds?: string;
  mode?: string;
  config?: string;
  /** dqn, ppo: training episodes, held-out episodes scored after training, rollout threads. */
  episodes?: string;
  evalEpisodes?: string;
  threads?: string;
  logLevel?: string;
}

export interface EvalCliOptions {
  samples?: string;
  model?: string;
  report?: string;
  mode?: string;
  config?: string;
  /** routing: held-out episodes. */
  episodes?: string;
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
  if (model === 'dqn' || model === 'ppo') {
    const { DEFAULT_EPISODES, runTrainRoutingCommand } = await import('./train-routing-command.js');
    const cfg = routingConfig(o, configDir);
    await runTrainRoutingCommand(
      model,
      cfg,
      {
        out: o.out,
        seed: nonNegativeInt('--seed', o.seed),
        episodes: positiveInt('--episodes', o.episodes) ?? DEFAULT_EPISODES[model],
        evalEpisodes: nonNegativeInt('--eval-episodes', o.evalEpisodes ?? '24'),
        threads: positiveInt('--threads', o.threads),
        command,
        progress: cfg.system.log_level !== 'quiet',
      },
      print,
    );
    return;
  }
  if (model !== 'latency') throw unknownModel(model, 'hft train');
  const { runTrainLatency } = await import('./train-command.js');
  await runTrainLatency(
    {
      out: o.out,
      seed: nonNegativeInt('--seed', o.seed),
      samples: o.samples,
      epochs: positiveInt('--epochs', o.epochs),
      streams: positiveInt('--streams', o.streams),
      streamSeconds: positiveInt('--stream-seconds', o.streamSeconds),
      venues,
      command,
    },
    print,
  );
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
    const episodes = positiveInt('--episodes', o.episodes) ?? 24;
    if (episodes < 2) throw new ConfigError('--episodes', `must be at least 2, got ${episodes}`);
    await runEvalRoutingCommand(
      cfg,
      {
        modelPath: o.model === undefined ? modelsDir() : resolve(o.model),
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
  await runEvalLatency({ samples: o.samples, model: o.model, report: o.report, venues }, print);
}
