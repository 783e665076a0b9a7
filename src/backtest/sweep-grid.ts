/**
 * A sweep's parameter grid (`hft backtest --sweep FILE`): lists of values per parameter, expanded
 * to every combination, each applied to a copy of the config.
 *
 *   routers: [best-price, lowest-latency]
 *   latency_multipliers: [1, 2]
 *   queue_models: [risk-averse, probabilistic]
 *   strategy: { threshold_bps: [1, 2, 4] }     # any trading.strategy key
 */
import type { HftConfig } from '../config/config-types.js';

export interface SweepGrid {
  routers?: string[];
  latency_multipliers?: number[];
  queue_models?: string[];
  strategy?: Record<string, (number | string)[]>;
}

/** One combination: parameter name -> value, in a stable order. */
export type SweepPoint = Record<string, number | string>;

export class SweepGridError extends Error {}

const TOP_KEYS = ['routers', 'latency_multipliers', 'queue_models', 'strategy'];

function list(value: unknown, key: string): (number | string)[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new SweepGridError(`${key}: must be a non-empty list`);
  for (const v of value) {
    if (typeof v !== 'number' && typeof v !== 'string') {
      throw new SweepGridError(`${key}: values must be numbers or names, got ${JSON.stringify(v)}`);
    }
  }
  return value as (number | string)[];
}

/** The axes of a parsed YAML grid, checked for shape (values are checked against the config schema later). */
export function gridAxes(grid: unknown, strategyKeys: readonly string[]): [string, (number | string)[]][] {
  if (grid === null || typeof grid !== 'object' || Array.isArray(grid)) {
    throw new SweepGridError('must be a mapping of parameter lists');
  }
  const g = grid as Record<string, unknown>;
  const axes: [string, (number | string)[]][] = [];
  for (const key of Object.keys(g)) {
    if (!TOP_KEYS.includes(key))
      throw new SweepGridError(`unknown key ${key} (known: ${TOP_KEYS.join(', ')})`);
  }
  if (g.routers !== undefined) axes.push(['router', list(g.routers, 'routers')]);
  if (g.latency_multipliers !== undefined)
    axes.push(['latency_multiplier', list(g.latency_multipliers, 'latency_multipliers')]);
  if (g.queue_models !== undefined) axes.push(['queue_model', list(g.queue_models, 'queue_models')]);
  if (g.strategy !== undefined) {
    if (g.strategy === null || typeof g.strategy !== 'object')
      throw new SweepGridError('strategy: must be a mapping');
    for (const [k, v] of Object.entries(g.strategy)) {
      if (!strategyKeys.includes(k))
        throw new SweepGridError(`strategy: unknown key ${k} (known: ${strategyKeys.join(', ')})`);
      axes.push([`strategy.${k}`, list(v, `strategy.${k}`)]);
    }
  }
  if (axes.length === 0) throw new SweepGridError('lists no parameters');
  return axes;
}

/** Every combination of the axes (the first axis varies slowest). */
export function expandGrid(axes: readonly [string, readonly (number | string)[]][]): SweepPoint[] {
  let points: SweepPoint[] = [{}];
  for (const [name, values] of axes) points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  return points;
}

/** A copy of `cfg` with one combination applied (unvalidated: the caller validates). */
export function applyPoint(cfg: HftConfig, point: SweepPoint): HftConfig {
  const out: HftConfig = structuredClone(cfg);
  for (const [name, value] of Object.entries(point)) {
    if (name === 'router') out.routing.router = value as HftConfig['routing']['router'];
    else if (name === 'latency_multiplier') out.backtest.latency_multiplier = value as number;
    else if (name === 'queue_model') out.backtest.queue_model = value as HftConfig['backtest']['queue_model'];
    else if (name.startsWith('strategy.')) {
      (out.trading.strategy as unknown as Record<string, unknown>)[name.slice('strategy.'.length)] = value;
    }
  }
  return out;
}
