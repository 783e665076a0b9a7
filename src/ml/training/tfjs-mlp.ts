/**
 * A Sequential MLP in tfjs described by plain data, and its weights read back in the exporter's
 * layout (src/ml/onnx/mlp-onnx-exporter.ts). Initial weights come from `seed`.
 */
import type { LayersModel, Sequential } from '@tensorflow/tfjs';
import type { DenseLayerWeights, MlpActivation } from '../onnx/mlp-onnx-exporter.js';
import type { Tf } from './tf-runtime.js';

export interface MlpSpec {
  readonly inputs: number;
  /** Width of each hidden layer. */
  readonly hidden: readonly number[];
  readonly hiddenActivation: Exclude<MlpActivation, 'linear'>;
  readonly outputs: number;
}

export function buildMlp(tf: Tf, spec: MlpSpec, seed: number): Sequential {
  const model = tf.sequential();
  const widths = [...spec.hidden, spec.outputs];
  widths.forEach((units, i) => {
    const last = i === widths.length - 1;
    model.add(
      tf.layers.dense({
        units,
        activation: last ? 'linear' : spec.hiddenActivation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
        biasInitializer: 'zeros',
        ...(i === 0 ? { inputShape: [spec.inputs] } : {}),
      }),
    );
  });
  return model;
}

/** The dense layers' current weights, copied out of tfjs, in exporter form. */
export function mlpLayers(model: LayersModel): DenseLayerWeights[] {
  return model.layers.map((layer, i) => {
    const [kernel, bias] = layer.getWeights();
    if (!kernel || !bias || kernel.shape.length !== 2)
      throw new Error(`mlpLayers: layer ${i} (${layer.name}) is not a dense layer with a bias`);
    const config = layer.getConfig() as { activation?: string };
    return {
      weights: Float32Array.from(kernel.dataSync()),
      bias: Float32Array.from(bias.dataSync()),
      inputs: kernel.shape[0],
      outputs: kernel.shape[1],
      activation: toActivation(config.activation ?? 'linear', i),
    };
  });
}

function toActivation(name: string, layer: number): MlpActivation {
  if (name === 'linear' || name === 'relu' || name === 'tanh') return name;
  throw new Error(
    `mlpLayers: layer ${layer} uses activation ${name}; the exporter supports linear, relu, tanh`,
  );
}
