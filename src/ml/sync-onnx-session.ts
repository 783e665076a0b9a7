/**
 * A synchronous onnxruntime-node session, for inference on the hot path.
 *
 * onnxruntime-node's public `InferenceSession.run` returns a promise, but all it adds to the
 * native call is a `setImmediate` around it (onnxruntime-node/dist/backend.js): the inference
 * itself is the binding's synchronous `run` ("Binding exports a simple synchronized inference
 * session object wrap", dist/binding.d.ts). A worker that spins on its rings would otherwise pay
 * an event-loop turn per decision (measured: p50 ~0.4 ms, p99 3-10 ms in the live pipeline,
 * against ~12 us for the call itself). This class loads the model through that same binding and
 * calls it directly; inputs and outputs are onnxruntime-node's own Tensor class, and outputs are
 * written into preallocated tensors (the binding still builds a small result object per run,
 * a few short-lived objects: no tensor data). It relies on onnxruntime-node's `dist/binding.js`
 * and its `initOrt`, which are not public API, so package.json pins the exact version.
 * test/ml/sync-onnx-session.test.ts checks it against the public asynchronous API.
 */
import { createRequire } from 'node:module';
import type * as ort from 'onnxruntime-node';

interface NativeValueMetadata {
  readonly name: string;
}

interface NativeSession {
  loadModel(path: string, options: ort.InferenceSession.SessionOptions): void;
  loadModel(
    buffer: ArrayBufferLike,
    offset: number,
    length: number,
    options: ort.InferenceSession.SessionOptions,
  ): void;
  readonly inputMetadata: NativeValueMetadata[];
  readonly outputMetadata: NativeValueMetadata[];
  run(
    feeds: Record<string, ort.Tensor>,
    fetches: Record<string, ort.Tensor | null>,
    options?: ort.InferenceSession.RunOptions,
  ): Record<string, ort.Tensor>;
  dispose(): void;
}

interface NativeBinding {
  readonly binding: { readonly InferenceSession: new () => NativeSession };
  initOrt(): void;
}

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
};

let native: NativeBinding | null = null;

function nativeBinding(): NativeBinding {
  if (native === null) {
    native = createRequire(import.meta.url)('onnxruntime-node/dist/binding.js') as NativeBinding;
    native.initOrt();
  }
  return native;
}

export class SyncOnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private readonly feeds: Record<string, ort.Tensor> = {};
  private readonly fetches: Record<string, ort.Tensor | null> = {};
  private disposed = false;

  private constructor(private readonly session: NativeSession) {
    this.inputNames = session.inputMetadata.map((m) => m.name);
    this.outputNames = session.outputMetadata.map((m) => m.name);
    for (const name of this.outputNames) this.fetches[name] = null;
  }

  /** Loads a model file or model bytes (one intra-op thread: the worker is the thread). */
  static load(source: string | Uint8Array): SyncOnnxSession {
    const session = new (nativeBinding().binding.InferenceSession)();
    if (typeof source === 'string') session.loadModel(source, SESSION_OPTIONS);
    else session.loadModel(source.buffer, source.byteOffset, source.byteLength, SESSION_OPTIONS);
    return new SyncOnnxSession(session);
  }

  /** Runs the single-input model on `input`; returns the first output's values. */
  run(input: ort.Tensor): Float32Array {
    this.feeds[this.inputNames[0]] = input;
    // No run options: an options object would be parsed into a native RunOptions on every call.
    const out = this.session.run(this.feeds, this.fetches);
    return out[this.outputNames[0]].data as Float32Array;
  }

  /**
   * Runs `input` writing the first output into `output` (a tensor of the output's shape that
   * the caller keeps); returns `output.data`.
   */
  runInto(input: ort.Tensor, output: ort.Tensor): Float32Array {
    const name = this.outputNames[0];
    this.feeds[this.inputNames[0]] = input;
    this.fetches[name] = output;
    try {
      this.session.run(this.feeds, this.fetches);
    } finally {
      this.fetches[name] = null;
    }
    return output.data as Float32Array;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.session.dispose();
  }
}
