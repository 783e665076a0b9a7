/**
 * The policies `hft eval routing` compares: every fixed router (on the forecasts the daemon
 * serves), the latency-adjusted rule on every other forecast (ablations: none, the EWMA, the ONNX
 * latency model when one is installed, the true latency law), the state and hindsight oracles,
 * and the trained policies it can load.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIXED_ROUTERS } from '../../config/config-types.js';
import { createRouter } from '../../routing/create-router.js';
import { FORECAST_SOURCES, type ForecastSource } from './env-options.js';
import { routerPolicy } from './episode.js';
import { OnnxPolicy } from './onnx-policy.js';
import { findPolicyDir, isModelDir } from './policy-store.js';
import { type NamedPolicy, STATE_ORACLE } from './routing-eval.js';
import { hindsightOracle, StateOracle } from './state-oracle.js';

/** Every fixed router on the served forecasts (`served`: the env's forecaster). */
export function fixedRouterPolicies(ackTimeoutNs: number, served: ForecastSource): NamedPolicy[] {
  return FIXED_ROUTERS.map((name) => ({
    name,
    kind: 'fixed',
    forecaster: served,
    create: () => routerPolicy(createRouter(name, ackTimeoutNs)),
  }));
}

/** The latency-adjusted rule on each forecast but the served one (ONNX only when `latencyModelDir` holds a model). */
export function forecastAblations(
  ackTimeoutNs: number,
  served: ForecastSource,
  latencyModelDir: string | undefined,
): NamedPolicy[] {
  const hasOnnx = latencyModelDir !== undefined && existsSync(join(latencyModelDir, 'model.onnx'));
  const sources = FORECAST_SOURCES.filter((f) => f !== served && (f !== 'onnx' || hasOnnx));
  return sources.map((forecaster) => ({
    name: `latency-adjusted/${forecaster}`,
    kind: 'ablation',
    forecaster,
    create: () => routerPolicy(createRouter('latency-adjusted', ackTimeoutNs)),
  }));
}

export function oraclePolicies(): NamedPolicy[] {
  return [
    { name: STATE_ORACLE, kind: 'bound', create: () => new StateOracle() },
    { name: 'hindsight', kind: 'bound', create: () => hindsightOracle },
  ];
}

/**
 * Trained policies under `path`: a model directory (model.onnx + metadata.json), or a directory
 * of them (models/), from which the dqn and ppo trained for `venues` are taken. Returns the
 * loaded policies; release them when done.
 */
export function loadTrainedPolicies(path: string, venues: readonly string[]): OnnxPolicy[] {
  const dirs = isModelDir(path)
    ? [path]
    : ['dqn', 'ppo'].map((p) => findPolicyDir(p, venues, path)).filter((d): d is string => d !== null);
  return dirs.map((d) => OnnxPolicy.load(d));
}

/** A trained policy, on the forecasts it was trained on (metadata env.forecaster; EWMA before it was recorded). */
export function trainedPolicy(p: OnnxPolicy): NamedPolicy {
  const f = p.metadata.env.forecaster;
  const forecaster: ForecastSource = FORECAST_SOURCES.includes(f as ForecastSource)
    ? (f as ForecastSource)
    : 'ewma';
  return { name: p.kind, kind: 'trained', forecaster, create: () => p.envPolicy() };
}

/**
 * Trained policies named by kind, with their forecast when it is not the served one
 * (`dqn/ewma`: a DQN trained and scored on the EWMA's forecasts); a name already taken gets a
 * number.
 */
export function trainedPolicies(policies: readonly OnnxPolicy[], served: ForecastSource): NamedPolicy[] {
  const taken = new Map<string, number>();
  return policies.map((p) => {
    const policy = trainedPolicy(p);
    const base = policy.forecaster === served ? policy.name : `${policy.name}/${policy.forecaster}`;
    const n = (taken.get(base) ?? 0) + 1;
    taken.set(base, n);
    return { ...policy, name: n === 1 ? base : `${base}#${n}` };
  });
}
