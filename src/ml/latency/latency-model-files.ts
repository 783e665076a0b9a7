/**
 * A trained latency model on disk: `model.onnx` and `metadata.json` side by side (the shipped one
 * in models/latency/). The metadata says what the model expects (features and their constants),
 * how it was made (seed, data, command) and how it scored.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { modelsDir } from '../models-dir.js';
import { FEATURE_PARAMS, LATENCY_FEATURES } from './latency-features.js';
import { LatencyModelError } from './onnx-latency-model.js';

export const MODEL_FILE = 'model.onnx';
export const METADATA_FILE = 'metadata.json';

export interface LatencyModelMetadata {
  model: 'latency-quantile-mlp';
  format: string;
  features: string[];
  feature_params: Record<string, number>;
  outputs: string[];
  output_space: string;
  architecture: { hidden: number[]; activation: string };
  seed: number;
  data: Record<string, unknown>;
  training: Record<string, unknown>;
  metrics: Record<string, unknown>;
  created_utc: string;
}

/** The served model's folder: models/latency (under $HFT_MODELS_DIR when set). */
export function defaultLatencyModelDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(modelsDir(env), 'latency');
}

/** A model given as its folder (what `hft train latency --out DIR` writes) or as its model.onnx. */
export function latencyModelFile(path: string): string {
  const p = resolve(path);
  return existsSync(p) && statSync(p).isDirectory() ? join(p, MODEL_FILE) : p;
}

/** The model the daemon serves: $HFT_LATENCY_MODEL (a path, or `none`), else the shipped one if present. */
export function servedLatencyModelPath(env: NodeJS.ProcessEnv): string | null {
  const chosen = env.HFT_LATENCY_MODEL;
  if (chosen === 'none') return null;
  if (chosen !== undefined && chosen !== '') return latencyModelFile(chosen);
  const shipped = join(defaultLatencyModelDir(env), MODEL_FILE);
  return existsSync(shipped) ? shipped : null;
}

export function writeLatencyModel(dir: string, onnx: Uint8Array, meta: LatencyModelMetadata): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MODEL_FILE), onnx);
  writeFileSync(join(dir, METADATA_FILE), `${JSON.stringify(meta, null, 2)}\n`);
}

/**
 * Reads the metadata beside `modelPath` and checks the model expects the features this build
 * computes; a model trained on other features would silently give wrong forecasts.
 */
export function readLatencyMetadata(modelPath: string): LatencyModelMetadata {
  const file = join(dirname(modelPath), METADATA_FILE);
  if (!existsSync(file))
    throw new LatencyModelError(`latency model ${modelPath}: no ${METADATA_FILE} beside it`);
  const meta = JSON.parse(readFileSync(file, 'utf8')) as LatencyModelMetadata;
  const same =
    JSON.stringify(meta.features) === JSON.stringify(LATENCY_FEATURES) &&
    JSON.stringify(meta.feature_params) === JSON.stringify(FEATURE_PARAMS);
  if (!same)
    throw new LatencyModelError(
      `latency model ${modelPath}: trained on other features than this build computes; retrain it with hft train latency`,
    );
  return meta;
}
