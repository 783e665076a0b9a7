/**
 * The predict stage's forecaster: the trained ONNX latency model when a model file is configured
 * (with the EWMA forecaster as its fallback), else the EWMA forecaster alone. onnxruntime-node is
 * imported only when a model is used.
 */
import type { Clock } from '../core/clock.js';
import { EwmaLatencyForecaster } from './ewma-latency-forecaster.js';
import { readLatencyMetadata } from './latency/latency-model-files.js';
import { ModelLatencyForecaster } from './model-latency-forecaster.js';
import type { VenueForecaster } from './predict-stage.js';

export interface ForecasterOptions {
  readonly venues: number;
  /** model.onnx to serve; null: EWMA only. */
  readonly modelPath: string | null;
  readonly clock: Clock;
  /** Wakes the predict host when an inference finished. */
  readonly wake: () => void;
  readonly wallOffsetNs: number;
  readonly warn: (message: string) => void;
}

export function createForecaster(o: ForecasterOptions): VenueForecaster {
  const fallback = new EwmaLatencyForecaster(o.venues);
  if (o.modelPath === null) return fallback;
  const path = o.modelPath;
  const model = (async () => {
    readLatencyMetadata(path);
    const { OnnxLatencyModel } = await import('./latency/onnx-latency-model.js');
    return OnnxLatencyModel.load(path);
  })();
  let warned = false;
  return new ModelLatencyForecaster(
    o.venues,
    fallback,
    model,
    {
      onResult: o.wake,
      onError: (err) => {
        if (!warned) o.warn(`latency model ${path}: ${err.message}; forecasting with the EWMA instead`);
        warned = true;
      },
      nowNs: () => o.clock.nowNs(),
    },
    o.wallOffsetNs,
  );
}
