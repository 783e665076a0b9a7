import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { exportMlpToOnnx, type MlpLayer } from '../../../src/ml/onnx/mlp-exporter.js';
import { buildMlp, mlpLayers, predictRows } from '../../../src/ml/rl/policy-network.js';
import { loadTf } from '../../../src/ml/rl/tf-runtime.js';

function randomLayers(sizes: number[], rng: Random): MlpLayer[] {
  return sizes.slice(1).map((outputs, k) => ({
    inputs: sizes[k],
    outputs,
    weights: Float32Array.from({ length: sizes[k] * outputs }, () => rng.normal() * 0.5),
    bias: Float32Array.from({ length: outputs }, () => rng.normal() * 0.1),
    activation: k === sizes.length - 2 ? 'linear' : 'relu',
  }));
}

/** Test oracle: the MLP by hand, weights [in, out] row-major. */
function oracle(layers: MlpLayer[], x: Float32Array, rows: number): Float64Array {
  let cur = Float64Array.from(x);
  for (const l of layers) {
    const next = new Float64Array(rows * l.outputs);
    for (let r = 0; r < rows; r++)
      for (let o = 0; o < l.outputs; o++) {
        let s = l.bias[o];
        for (let i = 0; i < l.inputs; i++) s += cur[r * l.inputs + i] * l.weights[i * l.outputs + o];
        next[r * l.outputs + o] = l.activation === 'relu' ? Math.max(0, s) : s;
      }
    cur = next;
  }
  return cur;
}

async function runOnnx(
  bytes: Uint8Array,
  x: Float32Array,
  rows: number,
  width: number,
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ obs: new ort.Tensor('float32', x, [rows, width]) });
  await session.release();
  return out[session.outputNames[0]].data as Float32Array;
}

describe('exportMlpToOnnx', () => {
  it('matches a hand-computed MLP (non-square layers catch a wrong transpose)', async () => {
    const rng = new Random(7);
    const layers = randomLayers([5, 8, 3], rng);
    const rows = 9;
    const x = Float32Array.from({ length: rows * 5 }, () => rng.normal());
    const got = await runOnnx(exportMlpToOnnx(layers, { inputName: 'obs', outputName: 'q' }), x, rows, 5);
    const want = oracle(layers, x, rows);
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 4);
  });

  it("onnxruntime-node gives the trainer's (tfjs) outputs within 1e-5", async () => {
    const tf = await loadTf();
    const model = buildMlp(tf, 30, 7, 3);
    const rng = new Random(11);
    const rows = 64;
    const x = Float32Array.from({ length: rows * 30 }, () => rng.normal() * 2);
    const want = predictRows(tf, model, x, rows);
    const got = await runOnnx(exportMlpToOnnx(mlpLayers(model), { inputName: 'obs' }), x, rows, 30);
    model.dispose();
    let max = 0;
    for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
    expect(max).toBeLessThanOrEqual(1e-5);
  });

  it('refuses layers whose sizes do not chain', () => {
    const rng = new Random(1);
    const [a] = randomLayers([4, 6], rng);
    const [b] = randomLayers([5, 2], rng);
    expect(() => exportMlpToOnnx([a, b])).toThrow(/takes 5 inputs/);
  });
});
