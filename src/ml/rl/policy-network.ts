/**
 * The MLPs the routing policies use (obs -> 64 relu -> 64 relu -> outputs), built in tfjs, and
 * their weights as plain layers: what the rollout workers receive and what the ONNX exporter
 * writes. The same layer list rebuilds an identical tfjs model anywhere.
 */
import type { LayersModel, Sequential } from '@tensorflow/tfjs';
import type { DenseLayerWeights } from '../onnx/mlp-onnx-exporter.js';
import type { Tf } from '../training/tf-runtime.js';

export const HIDDEN_UNITS = [64, 64] as const;

export function buildMlp(tf: Tf, inputs: number, outputs: number, seed: number, outScale = 1): Sequential {
  const model = tf.sequential();
  let width = inputs;
  HIDDEN_UNITS.forEach((units, k) => {
    model.add(
      tf.layers.dense({
        units,
        inputShape: k === 0 ? [width] : undefined,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + k }),
      }),
    );
    width = units;
  });
  model.add(
    tf.layers.dense({
      units: outputs,
      activation: 'linear',
      kernelInitializer: tf.initializers.varianceScaling({ scale: outScale, seed: seed + 99 }),
    }),
  );
  return model;
}

/** The model's dense layers as exporter/worker layers (copies). */
export function mlpLayers(model: LayersModel): DenseLayerWeights[] {
  return model.layers.map((layer) => {
    const [kernel, bias] = layer.getWeights();
    const [inputs, outputs] = kernel.shape as [number, number];
    const activation = (layer.getConfig().activation as string) ?? 'linear';
    return {
      weights: (kernel.dataSync() as Float32Array).slice(),
      bias: (bias.dataSync() as Float32Array).slice(),
      inputs,
      outputs,
      activation: activation === 'relu' ? 'relu' : 'linear',
    };
  });
}

/** A tfjs model with exactly these layers. */
export function mlpFromLayers(tf: Tf, layers: readonly DenseLayerWeights[]): Sequential {
  const model = tf.sequential();
  layers.forEach((l, k) => {
    model.add(
      tf.layers.dense({
        units: l.outputs,
        inputShape: k === 0 ? [l.inputs] : undefined,
        activation: l.activation,
      }),
    );
  });
  setMlpLayers(tf, model, layers);
  return model;
}

export function setMlpLayers(tf: Tf, model: LayersModel, layers: readonly DenseLayerWeights[]): void {
  const tensors = layers.flatMap((l) => [tf.tensor2d(l.weights, [l.inputs, l.outputs]), tf.tensor1d(l.bias)]);
  model.setWeights(tensors);
  for (const t of tensors) t.dispose();
}

/** Runs the model on `batch` rows of `obs`; returns the outputs row-major. */
export function predictRows(tf: Tf, model: LayersModel, obs: Float32Array, batch: number): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor2d(obs, [batch, obs.length / batch]);
    return ((model.predict(x) as ReturnType<Tf['tensor2d']>).dataSync() as Float32Array).slice();
  });
}
