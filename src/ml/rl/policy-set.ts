/** The policies `hft eval routing` compares: every fixed router, and the trained ones it can load. */
import { FIXED_ROUTERS } from '../../config/config-types.js';
import { createRouter } from '../../routing/create-router.js';
import { routerPolicy } from './episode.js';
import { OnnxPolicy } from './onnx-policy.js';
import { findPolicyDir, isModelDir } from './policy-store.js';
import type { NamedPolicy } from './routing-eval.js';

export function fixedRouterPolicies(): NamedPolicy[] {
  return FIXED_ROUTERS.map((name) => ({ name, fixed: true, create: () => routerPolicy(createRouter(name)) }));
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

export function trainedPolicy(p: OnnxPolicy): NamedPolicy {
  return { name: p.kind, fixed: false, create: () => p.envPolicy() };
}
