/**
 * Latency forecasts from the trained ONNX model, served by onnxruntime-node, batched over venues.
 * Features come from the same LatencyFeatures the model was trained on and are written into one
 * preallocated input buffer; `session.run` is asynchronous (predict is beside the order path), so
 * a refresh starts an inference and the next one publishes its result. Until the model is loaded,
 * for a venue with too little history, or if inference fails, the EWMA forecaster answers.
 */
import type { Tensor } from 'onnxruntime-node';
import type { EwmaLatencyForecaster } from './ewma-latency-forecaster.js';
import { FEATURE_COUNT, LatencyFeatures } from './latency/latency-features.js';
import { decodeQuantiles, MODEL_OUTPUTS } from './latency/latency-quantiles.js';
import type { OnnxLatencyModel } from './latency/onnx-latency-model.js';

export interface ModelForecasterHooks {
  /** Called (on the event loop) when an inference finished: wake the host so it publishes. */
  readonly onResult: () => void;
  /** Called once if the model cannot be loaded or run; the EWMA forecaster stays in charge. */
  readonly onError: (err: Error) => void;
  /** Monotonic ns, to time inferences. */
  readonly nowNs: () => number;
}

export class ModelLatencyForecaster {
  readonly features: LatencyFeatures;
  private readonly input: Float32Array;
  private readonly refLog: Float64Array;
  private readonly asked: Uint8Array;
  private readonly forecastNs: Float64Array;
  private readonly hasForecast: Uint8Array;
  private readonly fallbackRow = new Float64Array(4);
  private model: OnnxLatencyModel | null = null;
  private tensor: Tensor | null = null;
  private inFlight = false;
  private startedNs = 0;
  /** Duration of the last finished inference not yet taken by `takeFresh` (0: none). */
  private freshNs = 0;
  private readonly onDone = (out: Float32Array) => this.accept(out);
  private readonly onFail = (err: Error) => this.fail(err);

  constructor(
    private readonly venues: number,
    private readonly fallback: EwmaLatencyForecaster,
    modelReady: Promise<OnnxLatencyModel>,
    private readonly hooks: ModelForecasterHooks,
    wallOffsetNs: number,
  ) {
    this.features = new LatencyFeatures(venues, wallOffsetNs);
    this.input = new Float32Array(venues * FEATURE_COUNT);
    this.refLog = new Float64Array(venues);
    this.asked = new Uint8Array(venues);
    this.forecastNs = new Float64Array(venues * 3);
    this.hasForecast = new Uint8Array(venues);
    modelReady.then((m) => {
      this.model = m;
      this.tensor = m.inputFor(this.input, venues);
    }, this.onFail);
  }

  observe(venueId: number, latencyNs: number, tsNs: number, orderQty: number): void {
    this.features.observe(venueId, tsNs, latencyNs, orderQty);
    this.fallback.observe(venueId, latencyNs);
  }

  /** Starts an inference over every venue with enough history, unless one is running. */
  beginRefresh(nowNs: number): void {
    if (this.model === null || this.tensor === null || this.inFlight) return;
    let any = false;
    for (let v = 0; v < this.venues; v++) {
      const ready = this.features.ready(v);
      this.asked[v] = ready ? 1 : 0;
      if (ready) {
        this.features.write(v, nowNs, this.input, v * FEATURE_COUNT);
        this.refLog[v] = this.features.reference(v);
        any = true;
      } else this.input.fill(0, v * FEATURE_COUNT, (v + 1) * FEATURE_COUNT);
    }
    if (!any) return;
    this.inFlight = true;
    this.startedNs = this.hooks.nowNs();
    this.model.runTensor(this.tensor).then(this.onDone, this.onFail);
  }

  /** The duration (ns) of an inference that finished since the last call, or 0. */
  takeFresh(): number {
    const ns = this.freshNs;
    this.freshNs = 0;
    return ns;
  }

  /** True when a finished inference waits to be published. */
  hasFresh(): boolean {
    return this.freshNs > 0;
  }

  get inferenceRunning(): boolean {
    return this.inFlight;
  }

  /** [p50, p90, p99, mean] in ns; mean is the EWMA's (the model forecasts quantiles only). */
  forecast(venueId: number, out: Float64Array): boolean {
    if (!this.fallback.forecast(venueId, this.fallbackRow)) return false;
    if (this.hasForecast[venueId] === 1) {
      const at = venueId * 3;
      out[0] = this.forecastNs[at];
      out[1] = this.forecastNs[at + 1];
      out[2] = this.forecastNs[at + 2];
    } else {
      out[0] = this.fallbackRow[0];
      out[1] = this.fallbackRow[1];
      out[2] = this.fallbackRow[2];
    }
    out[3] = this.fallbackRow[3];
    return true;
  }

  samples(venueId: number): number {
    return this.fallback.samples(venueId);
  }

  private accept(out: Float32Array): void {
    for (let v = 0; v < this.venues; v++) {
      if (this.asked[v] === 0) continue;
      decodeQuantiles(this.refLog[v], out, v * MODEL_OUTPUTS, this.forecastNs, v * 3);
      this.hasForecast[v] = 1;
    }
    this.inFlight = false;
    this.freshNs = Math.max(1, this.hooks.nowNs() - this.startedNs);
    this.hooks.onResult();
  }

  private fail(err: Error): void {
    this.model = null;
    this.tensor = null;
    this.inFlight = false;
    this.hasForecast.fill(0);
    this.hooks.onError(err);
  }
}
