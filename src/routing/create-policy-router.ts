/**
 * The trained routers (`dqn`, `ppo`): the shipped model trained for the run's venues
 * (src/ml/rl/policy-store.ts) loaded into onnxruntime-node. It decides ahead of the orders into a
 * routing table (policy-table-builder.ts) that the route stage reads (table-policy-router.ts).
 */
import { POLICY_ROUTERS, type PolicyRouterName } from '../config/config-types.js';
import { modelsDir } from '../ml/models-dir.js';
import { OnnxPolicy } from '../ml/rl/onnx-policy.js';
import { findPolicyDir, policyDirs, readMetadata } from '../ml/rl/policy-store.js';

export function isPolicyRouterName(name: string): name is PolicyRouterName {
  return (POLICY_ROUTERS as readonly string[]).includes(name);
}

/** Why `name` cannot route these venues (no model, or none trained for them), or null. */
export function policyProblem(name: PolicyRouterName, venues: readonly string[]): string | null {
  if (findPolicyDir(name, venues) !== null) return null;
  const dirs = policyDirs(name);
  if (dirs.length === 0)
    return `"${name}" needs a trained model in ${modelsDir()}/${name}: run hft train ${name}`;
  const have = dirs.map((d) => `${d} (${readMetadata(d).venues.join(', ')})`).join('; ');
  return (
    `no ${name} model trained for venues ${venues.join(', ')} (have: ${have}); ` +
    `train one: hft train ${name} --mode <mode> --out ${modelsDir()}/${name}-<mode>`
  );
}

export function loadPolicy(name: PolicyRouterName, venues: readonly string[]): OnnxPolicy {
  const dir = findPolicyDir(name, venues);
  if (dir === null) throw new Error(policyProblem(name, venues) ?? `no ${name} model`);
  return OnnxPolicy.load(dir);
}
