/**
 * Where trained policies live: models/<name>/ (model.onnx + metadata.json), with variants for
 * other venue sets beside it as models/<name>-<suffix>/ (e.g. dqn-production). A router loads the
 * one trained for the run's venues, in the run's venue order (its inputs and outputs are per venue).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelsDir } from '../models-dir.js';
import type { PolicyMetadata } from './policy-metadata.js';

export function isModelDir(dir: string): boolean {
  return existsSync(join(dir, 'model.onnx')) && existsSync(join(dir, 'metadata.json'));
}

export function readMetadata(dir: string): PolicyMetadata {
  return JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as PolicyMetadata;
}

/** Every model directory of policy `name` under `root`: `name` first, then `name-*` in name order. */
export function policyDirs(name: string, root = modelsDir()): string[] {
  if (!existsSync(root)) return [];
  const names = readdirSync(root)
    .filter((d) => d === name || d.startsWith(`${name}-`))
    .sort((a, b) => (a === name ? -1 : b === name ? 1 : a.localeCompare(b)));
  return names.map((d) => join(root, d)).filter(isModelDir);
}

/** The model directory of `name` trained for exactly these venues, or null. */
export function findPolicyDir(name: string, venues: readonly string[], root = modelsDir()): string | null {
  for (const dir of policyDirs(name, root)) {
    const v = readMetadata(dir).venues;
    if (v.length === venues.length && v.every((x, i) => x === venues[i])) return dir;
  }
  return null;
}
