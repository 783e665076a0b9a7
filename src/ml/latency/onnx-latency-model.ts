/**
 * The latency model served by onnxruntime-node: a batch of feature rows in, three relative log
 * quantiles per row out. One input tensor over a caller-owned buffer is built once per batch size
 * and reused, so a refresh only writes features into that buffer.
 */
import * as ort from 'onnxruntime-node';
import { FEATURE_COUNT } from './latency-features.js';
import { MODEL_OUTPUTS } from './latency-quantiles.js';

export class LatencyModelError extends Error {
  override readonly name = 'LatencyModelError';
  readonly exitCode = 2;
}

export class OnnxLatencyModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly inputName: string,
    private readonly outputName: string,
  ) {}

  /** Loads model bytes or a file; checks it takes FEATURE_COUNT features and gives MODEL_OUTPUTS values. */
  static async load(source: string | Uint8Array, label = String(source)): Promise<OnnxLatencyModel> {
    let session: ort.InferenceSession;
    try {
      session =
        typeof source === 'string'
          ? await ort.InferenceSession.create(source, { intraOpNumThreads: 1, interOpNumThreads: 1 })
          : await ort.InferenceSession.create(source, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    } catch (err) {
      throw new LatencyModelError(
        `latency model ${label}: onnxruntime cannot load it: ${(err as Error).message}`,
      );
    }
    const model = new OnnxLatencyModel(session, session.inputNames[0], session.outputNames[0]);
    const probe = await model.run(new Float32Array(FEATURE_COUNT), 1);
    if (probe.length !== MODEL_OUTPUTS)
      throw new LatencyModelError(
        `latency model ${label}: gives ${probe.length} outputs per row, expected ${MODEL_OUTPUTS}`,
      );
    return model;
  }

  /** A reusable input over `buffer` (rows x FEATURE_COUNT). */
  inputFor(buffer: Float32Array, rows: number): ort.Tensor {
    return new ort.Tensor('float32', buffer.subarray(0, rows * FEATURE_COUNT), [rows, FEATURE_COUNT]);
  }

  /** Runs `input` (from `inputFor`); resolves to the rows x MODEL_OUTPUTS outputs. */
  async runTensor(input: ort.Tensor): Promise<Float32Array> {
    const out = await this.session.run({ [this.inputName]: input });
    return out[this.outputName].data as Float32Array;
  }

  run(features: Float32Array, rows: number): Promise<Float32Array> {
    return this.runTensor(this.inputFor(features, rows));
  }

  /** Runs any number of rows in chunks (evaluation). */
  async runAll(features: Float32Array, rows: number, chunk = 65_536): Promise<Float32Array> {
    const out = new Float32Array(rows * MODEL_OUTPUTS);
    for (let at = 0; at < rows; at += chunk) {
      const n = Math.min(chunk, rows - at);
      const part = await this.run(features.subarray(at * FEATURE_COUNT, (at + n) * FEATURE_COUNT), n);
      out.set(part, at * MODEL_OUTPUTS);
    }
    return out;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
