/**
 * `hft train <model>` and `hft eval <model>`: flag parsing and dispatch by model name. The
 * training code (tfjs) is imported only when a command needs it, so `hft run` never loads it.
 */
import type { VenueConfig } from './config-types.js';
import { ConfigError, UsageError } from './errors.js';

export interface TrainCliOptions {
  out?: string;
  seed: string;
  samples?: string;
  epochs?: string;
  streams?: string;
  streamSeconds?: string;
  mode?: string;
  config?: string;
}

export interface EvalCliOptions {
  samples?: string;
  model?: string;
  report?: string;
  mode?: string;
  config?: string;
}

const TRAINABLE = ['latency'];

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

function unknownModel(model: string, command: string): UsageError {
  return new UsageError(`${command}: unknown model "${model}"; expected one of ${TRAINABLE.join(', ')}`);
}

export async function runTrainCommand(
  model: string,
  o: TrainCliOptions,
  venues: readonly VenueConfig[],
  command: string,
  print: (line: string) => void,
): Promise<void> {
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
): Promise<void> {
  if (model !== 'latency') throw unknownModel(model, 'hft eval');
  const { runEvalLatency } = await import('./eval-command.js');
  await runEvalLatency({ samples: o.samples, model: o.model, report: o.report, venues }, print);
}
