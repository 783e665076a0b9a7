/**
 * The one folder models are served from: $HFT_MODELS_DIR, else the package's models/ (latency/
 * for the latency forecaster, dqn*, ppo* for the routing policies).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder holding package.json), from src/ or dist/src/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('packageRoot: no package.json above this module');
    dir = up;
  }
  return dir;
}

export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HFT_MODELS_DIR) return resolve(env.HFT_MODELS_DIR);
  return join(packageRoot(), 'models');
}
