/**
 * The latency model served by onnxruntime-node, synchronously (sync-onnx-session.ts): a batch of
 * feature rows in, three relative log quantiles per row out. Input and output tensors over
 * caller-owned buffers are built once per batch size and reused, so a refresh only writes
 * features into the input buffer.
 */
import * as ort from 'onnxruntime-node';
import { SyncOnnxSession } from '../sync-onnx-session.js';
import { FEATURE_COUNT } from './latency-features.js';
import { MODEL_OUTPUTS } from './latency-quantiles.js';

export class LatencyModelError extends Error {
  override readonly name = 'LatencyModelError';
  readonly exitCode = 2;
}

export class OnnxLatencyModel {
  private constructor(private readonly session: SyncOnnxSession) {}

  /** Loads model bytes or a file; checks it takes FEATURE_COUNT features and gives MODEL_OUTPUTS values. */
  static load(source: string | Uint8Array, label = String(source)): OnnxLatencyModel {
    let session: SyncOnnxSession;
    try {
      session = SyncOnnxSession.load(source);
    } catch (err) {
      throw new LatencyModelError(
        `latency model ${label}: onnxruntime cannot load it: ${(err as Error).message}`,
      );
    }
    const model = new OnnxLatencyModel(session);
    let probe: Float32Array;
    try {
      probe = model.run(new Float32Array(FEATURE_COUNT), 1);
    } catch (err) {
      session.dispose();
      throw new LatencyModelError(
        `latency model ${label}: onnxruntime cannot run it: ${(err as Error).message}`,
      );
    }
    if (probe.length !== MODEL_OUTPUTS) {
      session.dispose();
      throw new LatencyModelError(
        `latency model ${label}: gives ${probe.length} outputs per row, expected ${MODEL_OUTPUTS}`,
      );
    }
    return model;
  }

  /** A reusable input over `buffer` (rows x FEATURE_COUNT). */
  inputFor(buffer: Float32Array, rows: number): ort.Tensor {
    return new ort.Tensor('float32', buffer.subarray(0, rows * FEATURE_COUNT), [rows, FEATURE_COUNT]);
  }

  /** A reusable output for `rows` rows (rows x MODEL_OUTPUTS). */
  outputFor(rows: number): ort.Tensor {
    return new ort.Tensor('float32', new Float32Array(rows * MODEL_OUTPUTS), [rows, MODEL_OUTPUTS]);
  }

  /** Runs `input` (from `inputFor`) into `output` (from `outputFor`); returns its values. */
  runInto(input: ort.Tensor, output: ort.Tensor): Float32Array {
    return this.session.runInto(input, output);
  }

  /** The rows x MODEL_OUTPUTS outputs for `rows` feature rows. */
  run(features: Float32Array, rows: number): Float32Array {
    return this.session.run(this.inputFor(features, rows));
  }

  /** Runs any number of rows in chunks (evaluation). */
  runAll(features: Float32Array, rows: number, chunk = 65_536): Float32Array {
    const out = new Float32Array(rows * MODEL_OUTPUTS);
    for (let at = 0; at < rows; at += chunk) {
      const n = Math.min(chunk, rows - at);
      out.set(
        this.run(features.subarray(at * FEATURE_COUNT, (at + n) * FEATURE_COUNT), n),
        at * MODEL_OUTPUTS,
      );
    }
    return out;
  }

  /** Frees the native session (idempotent). */
  dispose(): void {
    this.session.dispose();
  }
}
