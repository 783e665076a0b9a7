/** The policies `hft eval routing` compares: every fixed router, and the trained ones it can load. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRouter, FIXED_ROUTERS } from '../../routing/create-router.js';
import { routerPolicy } from './episode.js';
import { OnnxPolicy } from './onnx-policy.js';
import type { NamedPolicy } from './routing-eval.js';

export function fixedRouterPolicies(): NamedPolicy[] {
  return FIXED_ROUTERS.map((name) => ({ name, fixed: true, create: () => routerPolicy(createRouter(name)) }));
}

/**
 * Trained policies under `path`: a model directory (model.onnx + metadata.json) or a directory of
 * them (models/dqn, models/ppo). Returns the loaded policies; release them when done.
 */
export async function loadTrainedPolicies(path: string): Promise<OnnxPolicy[]> {
  const dirs = existsSync(join(path, 'metadata.json'))
    ? [path]
    : ['dqn', 'ppo'].map((p) => join(path, p)).filter((d) => existsSync(join(d, 'metadata.json')));
  return Promise.all(dirs.map((d) => OnnxPolicy.load(d)));
}

export function trainedPolicy(p: OnnxPolicy): NamedPolicy {
  return { name: p.kind, fixed: false, create: () => p.envPolicy() };
}
