/**
 * Every exported latency model gives in onnxruntime-node what it gives in tfjs, within 1e-5: a
 * model trained here, and the shipped models/latency/model.onnx (its weights read back from the
 * ONNX file into a tfjs model of the same architecture).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { buildRows } from '../../../src/ml/latency/latency-dataset.js';
import { FEATURE_COUNT } from '../../../src/ml/latency/latency-features.js';
import { trainLatencyModel } from '../../../src/ml/latency/latency-trainer.js';
import { OnnxLatencyModel } from '../../../src/ml/latency/onnx-latency-model.js';
import { DEFAULT_ORDER_FLOW, simulateLatencySamples } from '../../../src/ml/latency/sim-latency-samples.js';
import { type DenseLayerWeights, exportMlpToOnnx } from '../../../src/ml/onnx/mlp-onnx-exporter.js';
import { loadTf } from '../../../src/ml/training/tf-runtime.js';
import { buildMlp } from '../../../src/ml/training/tfjs-mlp.js';
import { ROOT, testVenues } from './latency-test-data.js';

const TOLERANCE = 1e-5;

/** Outputs of the layers run by tfjs on `rows` feature rows. */
async function tfjsOutputs(
  layers: DenseLayerWeights[],
  x: Float32Array,
  rows: number,
): Promise<Float32Array> {
  const { tf } = await loadTf();
  const spec = {
    inputs: FEATURE_COUNT,
    hidden: layers.slice(0, -1).map((l) => l.outputs),
    hiddenActivation: 'relu' as const,
    outputs: 3,
  };
  const model = buildMlp(tf, spec, 0);
  model.layers.forEach((layer, i) => {
    layer.setWeights([
      tf.tensor2d(layers[i].weights, [layers[i].inputs, layers[i].outputs]),
      tf.tensor1d(layers[i].bias),
    ]);
  });
  const out = tf.tidy(() =>
    (model.predict(tf.tensor2d(x, [rows, FEATURE_COUNT])) as ReturnType<typeof tf.tensor2d>).dataSync(),
  );
  model.dispose();
  return Float32Array.from(out);
}

/** The dense layers stored in one of our ONNX files (Gemm with transB = 0, then Relu or nothing). */
function layersFromOnnx(bytes: Uint8Array): DenseLayerWeights[] {
  const graph = onnxProto.onnx.ModelProto.decode(bytes).graph!;
  const init = new Map(graph.initializer!.map((t) => [t.name!, t]));
  const ops = graph.node!.map((n) => n.opType);
  const raw = (name: string) => {
    const t = init.get(name)!;
    // Copy: protobufjs hands back a Buffer view into a shared pool.
    return { values: new Float32Array(Uint8Array.from(t.rawData!).buffer), dims: t.dims!.map(Number) };
  };
  const layers: DenseLayerWeights[] = [];
  graph.node!.forEach((n, at) => {
    if (n.opType !== 'Gemm') return;
    const w = raw(n.input![1]);
    layers.push({
      weights: w.values,
      bias: raw(n.input![2]).values,
      inputs: w.dims[0],
      outputs: w.dims[1],
      activation: ops[at + 1] === 'Relu' ? 'relu' : 'linear',
    });
  });
  return layers;
}

function worstDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('latency model parity, onnxruntime-node vs tfjs', () => {
  const samples = simulateLatencySamples(testVenues(), [4242], { ...DEFAULT_ORDER_FLOW, durationS: 20 });
  const rows = buildRows(samples, 'all');

  it('a freshly trained model, and its training loss falls', async () => {
    const trained = await trainLatencyModel(rows, {
      seed: 9,
      epochs: 3,
      batchSize: 256,
      hidden: [16, 16],
      learningRate: 3e-3,
      finalLrFraction: 0.3,
      // Log-space pinball: on 20 s of samples the level-weighted loss's epoch means swing with a
      // few spikes, so "the loss falls" is a check of the log loss; parity holds for either.
      loss: 'log',
    });
    expect(trained.lossHistory[2]).toBeLessThan(trained.lossHistory[0]);
    const ort = OnnxLatencyModel.load(exportMlpToOnnx(trained.layers), 'trained');
    const got = ort.runAll(rows.features, rows.count);
    expect(worstDiff(got, await tfjsOutputs(trained.layers, rows.features, rows.count))).toBeLessThanOrEqual(
      TOLERANCE,
    );
  });

  it('the shipped models/latency/model.onnx', async () => {
    const path = join(ROOT, 'models/latency/model.onnx');
    const layers = layersFromOnnx(readFileSync(path));
    expect(layers.map((l) => l.inputs)).toEqual([
      FEATURE_COUNT,
      ...layers.slice(0, -1).map((l) => l.outputs),
    ]);
    const ort = OnnxLatencyModel.load(path);
    const got = ort.runAll(rows.features, rows.count);
    expect(worstDiff(got, await tfjsOutputs(layers, rows.features, rows.count))).toBeLessThanOrEqual(
      TOLERANCE,
    );
  });
});
