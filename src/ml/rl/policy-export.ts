/**
 * Writes a trained policy as models/<policy>/model.onnx + metadata.json, after checking that
 * onnxruntime-node gives what the trainer gives (max |difference| <= 1e-5) on observations from
 * real episodes: a wrong transpose still loads and silently routes badly.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RoundRobinRouter } from '../../routing/round-robin-router.js';
import { type DenseLayerWeights, exportMlpToOnnx } from '../onnx/mlp-onnx-exporter.js';
import { loadTf } from '../training/tf-runtime.js';
import type { PolicyKind } from './action-choice.js';
import type { RoutingEnvOptions } from './env-options.js';
import { routerPolicy, runEpisodeSync } from './episode.js';
import { OnnxPolicy } from './onnx-policy.js';
import type { PolicyMetadata } from './policy-metadata.js';
import { mlpFromLayers, predictRows } from './policy-network.js';
import { RoutingEnv } from './routing-env.js';
import { featureNames } from './routing-features.js';
import { splitMenu } from './split-actions.js';

export const PARITY_TOLERANCE = 1e-5;
/** Rows of parity.json shipped beside each model. */
const PARITY_FILE_ROWS = 32;

export class ParityError extends Error {}

export function policyIo(kind: PolicyKind): { input: string; output: string } {
  return { input: 'obs', output: kind === 'dqn' ? 'q_values' : 'split_logits' };
}

export function policyActions(kind: PolicyKind, venueCount: number): PolicyMetadata['actions'] {
  const menu = kind === 'dqn' ? splitMenu(venueCount).slice(0, venueCount) : splitMenu(venueCount);
  return menu.map((w, index) => ({ index, weights: Array.from(w) }));
}

/** Observations from a real episode (round-robin, so every venue's state shows up). */
export function parityObservations(env: RoutingEnvOptions, seed: number, rows: number): Float32Array {
  const e = new RoutingEnv({ ...env, ordersPerEpisode: rows });
  return runEpisodeSync(e, seed, routerPolicy(new RoundRobinRouter())).obs;
}

/** The trainer's (tfjs) outputs for `rows` rows of `obs`. */
export async function trainerOutputs(
  layers: DenseLayerWeights[],
  obs: Float32Array,
  rows: number,
): Promise<Float32Array> {
  const { tf } = await loadTf();
  const model = mlpFromLayers(tf, layers);
  const out = predictRows(tf, model, obs, rows);
  model.dispose();
  return out;
}

/** Largest |onnxruntime - trainer| over the rows of `obs`. */
export async function parityMaxAbsDiff(
  layers: DenseLayerWeights[],
  bytes: Uint8Array,
  meta: PolicyMetadata,
  obs: Float32Array,
): Promise<number> {
  const rows = obs.length / meta.features.length;
  return maxAbsDiffOnnx(bytes, meta, obs, await trainerOutputs(layers, obs, rows));
}

/** Largest |onnxruntime - expected| over the rows of `obs`; +Infinity when the sizes differ. */
export function maxAbsDiffOnnx(
  bytes: Uint8Array,
  meta: PolicyMetadata,
  obs: Float32Array,
  expected: ArrayLike<number>,
): number {
  const rows = obs.length / meta.features.length;
  const policy = OnnxPolicy.fromBytes(bytes, meta);
  const got = policy.scores(obs, rows);
  policy.release();
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(expected[i] - got[i]));
  return got.length === expected.length ? max : Number.POSITIVE_INFINITY;
}

export async function writePolicy(
  dir: string,
  layers: DenseLayerWeights[],
  meta: Omit<PolicyMetadata, 'onnx' | 'features' | 'venues' | 'actions'>,
  env: RoutingEnvOptions,
): Promise<PolicyMetadata> {
  const io = policyIo(meta.policy);
  const venues = env.world.venues.map((v) => v.name);
  const full: PolicyMetadata = {
    ...meta,
    features: featureNames(venues),
    venues,
    actions: policyActions(meta.policy, venues.length),
    onnx: { opset: 17, input: io.input, output: io.output, parity_max_abs_diff: Number.NaN },
  };
  const bytes = exportMlpToOnnx(layers, {
    inputName: io.input,
    outputName: io.output,
    metadata: { policy: meta.policy },
  });
  const obs = parityObservations(env, 12345, 256);
  const diff = await parityMaxAbsDiff(layers, bytes, full, obs);
  if (!(diff <= PARITY_TOLERANCE))
    throw new ParityError(
      `${meta.policy}: onnxruntime differs from the trainer by ${diff} (> ${PARITY_TOLERANCE})`,
    );
  full.onnx.parity_max_abs_diff = diff;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), bytes);
  writeFileSync(join(dir, 'metadata.json'), `${JSON.stringify(full, null, 2)}\n`);
  // The trainer's outputs on a few real observations, so a test can hold the shipped ONNX to them.
  const rows = PARITY_FILE_ROWS;
  const sample = obs.subarray(0, rows * full.features.length);
  const outputs = await trainerOutputs(layers, sample, rows);
  writeFileSync(
    join(dir, 'parity.json'),
    `${JSON.stringify({ rows, obs: Array.from(sample), trainer_outputs: Array.from(outputs) })}\n`,
  );
  return full;
}
