/**
 * The trained routers (`dqn`, `ppo`): their shipped models (models/<name>/model.onnx +
 * metadata.json, or $HFT_MODELS_DIR/<name>) loaded into onnxruntime-node, served by PolicyRouter.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OnnxPolicy } from '../ml/rl/onnx-policy.js';
import { BestPriceRouter } from './best-price-router.js';
import { POLICY_ROUTERS } from './create-router.js';
import { PolicyRouter } from './policy-router.js';

export type PolicyRouterName = (typeof POLICY_ROUTERS)[number];

export function isPolicyRouterName(name: string): name is PolicyRouterName {
  return (POLICY_ROUTERS as readonly string[]).includes(name);
}

/** The package's models/ (from dist/src/routing or, under vitest, src/routing), or $HFT_MODELS_DIR. */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HFT_MODELS_DIR) return resolve(env.HFT_MODELS_DIR);
  const up = import.meta.url.endsWith('.ts') ? '../../models' : '../../../models';
  return fileURLToPath(new URL(up, import.meta.url));
}

export function policyDir(name: PolicyRouterName, env: NodeJS.ProcessEnv = process.env): string {
  return join(modelsDir(env), name);
}

/** True when the policy's model files are present. */
export function policyShipped(name: PolicyRouterName, env: NodeJS.ProcessEnv = process.env): boolean {
  const dir = policyDir(name, env);
  return existsSync(join(dir, 'model.onnx')) && existsSync(join(dir, 'metadata.json'));
}

export function loadPolicy(name: PolicyRouterName): Promise<OnnxPolicy> {
  return OnnxPolicy.load(policyDir(name));
}

/** A route-stage router over a loaded policy; best-price decides when its queue is full. */
export function createPolicyRouter(
  policy: OnnxPolicy,
  symbolCount: number,
  venueCount: number,
  feeBps: Float64Array,
): PolicyRouter {
  return new PolicyRouter(policy, symbolCount, venueCount, feeBps, new BestPriceRouter());
}
