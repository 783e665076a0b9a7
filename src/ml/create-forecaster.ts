/**
 * The predict stage's forecaster: the trained ONNX latency model when a model file is configured
 * (with the EWMA forecaster as its fallback), else the EWMA forecaster alone. The model is loaded
 * before the first sample, so every refresh (and every backtest) sees the same forecaster.
 */
import { EwmaLatencyForecaster } from './ewma-latency-forecaster.js';
import { readLatencyMetadata } from './latency/latency-model-files.js';
import { OnnxLatencyModel } from './latency/onnx-latency-model.js';
import { ModelLatencyForecaster } from './model-latency-forecaster.js';
import type { VenueForecaster } from './predict-stage.js';

export interface ForecasterOptions {
  readonly venues: number;
  /** model.onnx to serve; null: EWMA only. */
  readonly modelPath: string | null;
  /** Keep-warm interval of the model's inference, ns (0: off). */
  readonly warmIntervalNs: number;
  readonly wallOffsetNs: number;
  readonly warn: (message: string) => void;
}

export function createForecaster(o: ForecasterOptions): VenueForecaster {
  const fallback = new EwmaLatencyForecaster(o.venues);
  if (o.modelPath === null) return fallback;
  const path = o.modelPath;
  let warned = false;
  const onError = (err: Error) => {
    if (!warned) o.warn(`latency model ${path}: ${err.message}; forecasting with the EWMA instead`);
    warned = true;
  };
  let model: OnnxLatencyModel;
  try {
    readLatencyMetadata(path);
    model = OnnxLatencyModel.load(path);
  } catch (err) {
    onError(err instanceof Error ? err : new Error(String(err)));
    return fallback;
  }
  return new ModelLatencyForecaster(o.venues, fallback, model, onError, o.wallOffsetNs, o.warmIntervalNs);
}
