/**
 * The synchronous session (src/ml/sync-onnx-session.ts) gives exactly what onnxruntime-node's
 * public asynchronous API gives for the same model and input, writes into the caller's output
 * tensor, and keeps working across batch sizes.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { SyncOnnxSession } from '../../src/ml/sync-onnx-session.js';
import { ROOT } from './latency/latency-test-data.js';

const MODELS = ['models/dqn/model.onnx', 'models/ppo/model.onnx', 'models/latency/model.onnx'];

describe('SyncOnnxSession', () => {
  for (const rel of MODELS) {
    it(`${rel}: equals InferenceSession.run, batch 1 and 7`, async () => {
      const path = join(ROOT, rel);
      const sync = SyncOnnxSession.load(path);
      const reference = await ort.InferenceSession.create(path);
      const dims = reference.inputMetadata[0];
      const width = dims.isTensor ? Number(dims.shape[1]) : 0;
      expect(width).toBeGreaterThan(0);
      expect(sync.inputNames).toEqual(reference.inputNames);
      expect(sync.outputNames).toEqual(reference.outputNames);
      for (const batch of [1, 7]) {
        const x = Float32Array.from({ length: batch * width }, (_, i) => Math.sin(i * 0.37) * 2);
        const input = new ort.Tensor('float32', x, [batch, width]);
        const want = (await reference.run({ [reference.inputNames[0]]: input }))[reference.outputNames[0]]
          .data as Float32Array;
        expect(Array.from(sync.run(input))).toEqual(Array.from(want));
        const output = new ort.Tensor('float32', new Float32Array(want.length), [batch, want.length / batch]);
        const got = sync.runInto(input, output);
        expect(got).toBe(output.data);
        expect(Array.from(got)).toEqual(Array.from(want));
      }
      sync.dispose();
      await reference.release();
    });
  }

  it('a file that is not a model fails to load with onnxruntime-node error text', () => {
    expect(() => SyncOnnxSession.load(new TextEncoder().encode('not a model'))).toThrow(
      /protobuf|parsing|model/i,
    );
  });
});
