/** `hft train dqn|ppo` and `hft eval routing` (CONTRACT.md), registered on the CLI program. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { modelsDir } from '../ml/rl/policy-store.js';
import { resolveConfig } from './config.js';
import type { CliOverrides } from './config-types.js';
import { ConfigError } from './errors.js';
import { runEvalRoutingCommand } from './eval-routing-command.js';
import { defaultReportDir } from './run-command.js';
import { DEFAULT_EPISODES, runTrainRoutingCommand } from './train-routing-command.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

export function registerMlCommands(program: Command, configDir: string): void {
  program
    .command('train')
    .description(
      'train a routing policy (dqn | ppo) in the simulated market; writes model.onnx + metadata.json',
    )
    .argument('<model>', 'dqn | ppo')
    .option('--out <dir>', 'output directory (default models/<model>)')
    .option('--seed <n>', 'training seed, 0..2999', '1')
    .option('--episodes <n>', 'training episodes (default dqn 1000, ppo 3000)')
    .option('--eval-episodes <n>', 'held-out episodes scored into metadata.json (0 skips)', '24')
    .option('--threads <n>', 'rollout threads (default: every core)')
    .option('--mode <mode>', 'fast | balanced | production: whose venues and quote rate (default fast)')
    .option('--config <path>', 'YAML config file')
    .option('--log-level <level>', 'quiet | normal | verbose | debug')
    .action(async (model: string, opts: CliOverrides & Record<string, string | undefined>) => {
      if (model !== 'dqn' && model !== 'ppo')
        throw new ConfigError(
          'train',
          `expected dqn or ppo, got "${model}" (latency comes with the latency predictor)`,
        );
      const cfg = resolveConfig(
        { mode: opts.mode ?? 'fast', config: opts.config, logLevel: opts.logLevel } as CliOverrides,
        process.env,
        {
          configDir,
          cwd: process.cwd(),
        },
      );
      await runTrainRoutingCommand(
        model,
        cfg,
        {
          out: opts.out,
          seed: Number(opts.seed),
          episodes: opts.episodes === undefined ? DEFAULT_EPISODES[model] : Number(opts.episodes),
          evalEpisodes: Number(opts.evalEpisodes),
          threads: opts.threads === undefined ? undefined : Number(opts.threads),
          command: `hft ${process.argv.slice(2).join(' ')}`,
          progress: cfg.system.log_level !== 'quiet' && process.stderr.isTTY === true,
        },
        print,
      );
    });
  program
    .command('eval')
    .description('evaluate routing policies on held-out episodes; writes eval.json and eval.svg')
    .argument('<what>', 'routing')
    .option('--model <path>', 'a model directory or a directory of them (default: the shipped models/)')
    .option('--report <dir>', 'where eval.json and eval.svg go (default reports/<utc-stamp>/)')
    .option('--episodes <n>', 'held-out episodes (>= 20 for the README figures)', '24')
    .option('--mode <mode>', 'fast | balanced | production (default fast)')
    .option('--config <path>', 'YAML config file')
    .option('--log-level <level>', 'quiet | normal | verbose | debug')
    .action(async (what: string, opts: Record<string, string | undefined>) => {
      if (what !== 'routing') throw new ConfigError('eval', `expected routing, got "${what}"`);
      const cfg = resolveConfig(
        { mode: opts.mode ?? 'fast', config: opts.config, logLevel: opts.logLevel } as CliOverrides,
        process.env,
        {
          configDir,
          cwd: process.cwd(),
        },
      );
      await runEvalRoutingCommand(
        cfg,
        {
          modelPath: opts.model === undefined ? modelsDir() : resolve(opts.model),
          reportDir: resolve(opts.report ?? defaultReportDir()),
          episodes: Number(opts.episodes),
          progress: cfg.system.log_level !== 'quiet' && process.stderr.isTTY === true,
        },
        print,
      );
    });
}
