/**
 * A piscina worker of `hft backtest --sweep`: backtests one combination. The recording is
 * loaded once per worker thread and reused for every combination it runs; a dqn/ppo combination's
 * policy is loaded on this thread by runBacktest, for that run only.
 */
import { threadId } from 'node:worker_threads';
import { type BacktestData, loadRecording } from '../backtest/backtest-data.js';
import { runBacktest } from '../backtest/backtest-engine.js';
import type { BacktestSummary } from '../backtest/backtest-result.js';
import type { HftConfig } from '../config/config-types.js';

export interface SweepTask {
  cfg: HftConfig;
  dataPath: string;
}

export interface SweepTaskResult {
  summary: BacktestSummary;
  threadId: number;
  events: number;
  startMs: number;
  endMs: number;
}

let cached: { path: string; data: BacktestData } | null = null;

export default function backtestOne(task: SweepTask): SweepTaskResult {
  const startMs = performance.timeOrigin + performance.now();
  if (cached?.path !== task.dataPath) cached = { path: task.dataPath, data: loadRecording(task.dataPath) };
  const run = runBacktest(task.cfg, cached.data);
  return {
    summary: run.result.summary,
    threadId,
    events: run.events,
    startMs,
    endMs: performance.timeOrigin + performance.now(),
  };
}
