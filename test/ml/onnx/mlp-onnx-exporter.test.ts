import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { exportMlpToOnnx, ONNX_OPSET } from '../../../src/ml/onnx/mlp-onnx-exporter.js';
import { loadTf } from '../../../src/ml/training/tf-runtime.js';
import { buildMlp, type MlpSpec, mlpLayers } from '../../../src/ml/training/tfjs-mlp.js';

const TOLERANCE = 1e-5;
const BATCH = 64;

/** Random inputs and biases (biases start at 0 in tfjs, which would hide a missing bias). */
async function parity(spec: MlpSpec, seed: number) {
  const { tf } = await loadTf();
  const model = buildMlp(tf, spec, seed);
  const rng = new Random(seed);
  for (const layer of model.layers) {
    const [kernel, bias] = layer.getWeights();
    const b = Float32Array.from({ length: bias.size }, () => rng.normal() * 0.5);
    layer.setWeights([kernel, tf.tensor1d(b)]);
  }
  const x = Float32Array.from({ length: BATCH * spec.inputs }, () => rng.normal() * 2);
  const expected = tf.tidy(() =>
    (model.predict(tf.tensor2d(x, [BATCH, spec.inputs])) as ReturnType<typeof tf.tensor2d>).dataSync(),
  );
  const bytes = exportMlpToOnnx(mlpLayers(model), { metadata: { purpose: 'test' } });
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ input: new ort.Tensor('float32', x, [BATCH, spec.inputs]) });
  const got = out.output.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
  return { got, expected, worst, session, dims: out.output.dims };
}

describe('exportMlpToOnnx', () => {
  it('onnxruntime-node matches tfjs within 1e-5 on a non-square ReLU MLP', async () => {
    const r = await parity({ inputs: 13, hidden: [32, 24], hiddenActivation: 'relu', outputs: 3 }, 7);
    expect(r.dims).toEqual([BATCH, 3]);
    expect(r.worst).toBeLessThanOrEqual(TOLERANCE);
    expect(r.session.inputNames).toEqual(['input']);
    expect(r.session.outputNames).toEqual(['output']);
  });

  it('matches on square Tanh layers, where a wrong transpose would still load', async () => {
    const r = await parity({ inputs: 8, hidden: [8, 8], hiddenActivation: 'tanh', outputs: 8 }, 11);
    expect(r.worst).toBeLessThanOrEqual(TOLERANCE);
    // The check has teeth: outputs vary and are not trivially small.
    expect(Math.max(...Array.from(r.expected, Math.abs))).toBeGreaterThan(0.1);
  });

  it('writes opset 17 and the metadata', async () => {
    const { tf } = await loadTf();
    const model = buildMlp(tf, { inputs: 2, hidden: [4], hiddenActivation: 'relu', outputs: 1 }, 1);
    const bytes = exportMlpToOnnx(mlpLayers(model), { metadata: { features: 'a,b' } });
    const onnxProto = (await import('onnx-proto')).default;
    const decoded = onnxProto.onnx.ModelProto.decode(bytes);
    expect(Number(decoded.opsetImport[0].version)).toBe(ONNX_OPSET);
    expect(decoded.metadataProps.map((p) => [p.key, p.value])).toEqual([['features', 'a,b']]);
    expect(decoded.graph?.node?.map((n) => n.opType)).toEqual(['Gemm', 'Relu', 'Gemm']);
  });

  it('refuses layers whose shapes do not chain, naming the layer', () => {
    const layer = (inputs: number, outputs: number) => ({
      weights: new Float32Array(inputs * outputs),
      bias: new Float32Array(outputs),
      inputs,
      outputs,
      activation: 'relu' as const,
    });
    expect(() => exportMlpToOnnx([layer(3, 4), layer(5, 2)])).toThrow(
      /layer 1: takes 5 inputs but layer 0 gives 4/,
    );
    expect(() => exportMlpToOnnx([{ ...layer(3, 4), weights: new Float32Array(11) }])).toThrow(
      /\[3, 4\] needs 12/,
    );
    expect(() => exportMlpToOnnx([])).toThrow(/no layers/);
  });
});
