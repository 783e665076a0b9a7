/**
 * Latency forecasts from the trained ONNX model, served by onnxruntime-node, batched over venues.
 * Features come from the same LatencyFeatures the model was trained on and are written into one
 * preallocated input tensor; a refresh runs one synchronous inference for every venue into a
 * preallocated output (sync-onnx-session.ts). Until the model is loaded, for a venue with too
 * little history, or if inference fails, the EWMA forecaster answers.
 */
import type { Tensor } from 'onnxruntime-node';
import type { EwmaLatencyForecaster } from './ewma-latency-forecaster.js';
import { KeepWarmSchedule } from './keep-warm-schedule.js';
import { FEATURE_COUNT, LatencyFeatures } from './latency/latency-features.js';
import { decodeQuantiles, MODEL_OUTPUTS } from './latency/latency-quantiles.js';
import type { OnnxLatencyModel } from './latency/onnx-latency-model.js';

export class ModelLatencyForecaster {
  readonly features: LatencyFeatures;
  private readonly input: Float32Array;
  private readonly refLog: Float64Array;
  private readonly asked: Uint8Array;
  private readonly forecastNs: Float64Array;
  private readonly hasForecast: Uint8Array;
  private readonly fallbackRow = new Float64Array(4);
  private model: OnnxLatencyModel | null = null;
  private tensors: { input: Tensor; output: Tensor } | null = null;
  /** Same shape, rows no forecast uses: for `keepWarm` (null when keep-warm is off). */
  private readonly warm: { input: Tensor; output: Tensor } | null;
  private readonly warmSchedule: KeepWarmSchedule;

  /**
   * `onError` is called if the model fails to run; the EWMA is in charge from then on. A
   * throw-away inference runs when none ran for `warmIntervalNs` (0: never)
   * (KeepWarmSchedule): an inference after an idle spell finds onnxruntime out of cache.
   */
  constructor(
    private readonly venues: number,
    private readonly fallback: EwmaLatencyForecaster,
    model: OnnxLatencyModel,
    private readonly onError: (err: Error) => void,
    wallOffsetNs: number,
    warmIntervalNs = 0,
  ) {
    this.warmSchedule = new KeepWarmSchedule(warmIntervalNs);
    this.features = new LatencyFeatures(venues, wallOffsetNs);
    this.input = new Float32Array(venues * FEATURE_COUNT);
    this.refLog = new Float64Array(venues);
    this.asked = new Uint8Array(venues);
    this.forecastNs = new Float64Array(venues * 3);
    this.hasForecast = new Uint8Array(venues);
    this.model = model;
    this.tensors = { input: model.inputFor(this.input, venues), output: model.outputFor(venues) };
    this.warm = this.warmSchedule.enabled
      ? {
          input: model.inputFor(new Float32Array(this.input.length), venues),
          output: model.outputFor(venues),
        }
      : null;
  }

  observe(venueId: number, latencyNs: number, tsNs: number, orderQty: number): void {
    this.features.observe(venueId, tsNs, latencyNs, orderQty);
    this.fallback.observe(venueId, latencyNs);
  }

  /** Forecasts every venue with enough history: one inference over all of them. */
  update(nowNs: number): void {
    if (this.model === null || this.tensors === null) return;
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
    let out: Float32Array;
    try {
      out = this.model.runInto(this.tensors.input, this.tensors.output);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.warmSchedule.ran(nowNs);
    for (let v = 0; v < this.venues; v++) {
      if (this.asked[v] === 0) continue;
      decodeQuantiles(this.refLog[v], out, v * MODEL_OUTPUTS, this.forecastNs, v * 3);
      this.hasForecast[v] = 1;
    }
  }

  /** Runs a throw-away inference if none ran for the warm interval. */
  keepWarm(nowNs: number): void {
    if (this.model === null || this.warm === null || !this.warmSchedule.due(nowNs)) return;
    try {
      this.model.runInto(this.warm.input, this.warm.output);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.warmSchedule.ran(nowNs);
  }

  /** When `keepWarm` next has work (+Infinity when it is off). */
  nextWarmNs(): number {
    return this.model !== null ? this.warmSchedule.nextNs() : Number.POSITIVE_INFINITY;
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

  /** Frees the model's native session; the EWMA answers from then on. */
  release(): void {
    this.model?.dispose();
    this.model = null;
    this.tensors = null;
    this.hasForecast.fill(0);
  }

  private fail(err: Error): void {
    this.model?.dispose();
    this.model = null;
    this.tensors = null;
    this.hasForecast.fill(0);
    this.onError(err);
  }
}
