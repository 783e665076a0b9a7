/**
 * Predict-stage forecast refresh for all venues with the shipped ONNX latency model: features of
 * every venue into the preallocated input, one batched synchronous onnxruntime-node run into a
 * preallocated output (src/ml/sync-onnx-session.ts), decode and publish to the forecast table
 * (seqlock). Also the feature computation alone and the EWMA fallback's refresh. The venues are
 * production mode's; one new sample per venue arrives before each refresh (outside the timing).
 *
 *   npm run build && node dist/bench/latency-model.bench.js
 */
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { MonotonicClock } from '../src/core/clock.js';
import { asVenueId } from '../src/core/ids.js';
import type { RegistryData } from '../src/core/registry.js';
import { createForecaster } from '../src/ml/create-forecaster.js';
import { createForecastTable, ForecastTable } from '../src/ml/forecast-table.js';
import { FEATURE_COUNT, LatencyFeatures } from '../src/ml/latency/latency-features.js';
import { defaultLatencyModelDir, MODEL_FILE } from '../src/ml/latency/latency-model-files.js';
import { ModelLatencyForecaster } from '../src/ml/model-latency-forecaster.js';
import { PredictStage } from '../src/ml/predict-stage.js';
import { ControlBlock, createControlBlock } from '../src/run-state/control-block.js';
import { createPipelineMetrics, PipelineMetrics } from '../src/run-state/pipeline-metrics.js';
import { LatencyKind, LatencySampleCodec } from '../src/shm/records.js';
import { type BenchReport, isMainModule, latencyRowUs, printReport } from './bench-report.js';

const VENUES = 4;
const WARM_SAMPLES = 100;

function stage(modelPath: string | null, clock: MonotonicClock) {
  const registry: RegistryData = {
    symbols: ['AAPL'],
    venues: Array.from({ length: VENUES }, (_, v) => `V${v}`),
  };
  const metrics = new PipelineMetrics(createPipelineMetrics(registry, ['predict']));
  const forecaster = createForecaster({
    venues: VENUES,
    modelPath,
    warmIntervalNs: 0,
    wallOffsetNs: 0,
    warn: (m) => console.warn(m),
  });
  const table = new ForecastTable(createForecastTable(VENUES));
  const predict = new PredictStage(
    forecaster,
    table,
    clock,
    metrics,
    new ControlBlock(createControlBlock(1)),
    4,
  );
  const sample = LatencySampleCodec.create();
  let n = 0;
  const feedAll = () => {
    for (let v = 0; v < VENUES; v++) {
      n++;
      sample.venueId = asVenueId(v);
      sample.kind = LatencyKind.orderAck;
      sample.tsNs = clock.nowNs();
      sample.latencyNs = (250 + 120 * v) * 1e3 * (1 + 0.3 * Math.sin(n)) * (n % 50 === 0 ? 5 : 1);
      sample.orderQty = 100;
      predict.onLatencySample(sample);
    }
  };
  for (let i = 0; i < WARM_SAMPLES; i++) feedAll();
  return { predict, feedAll, forecaster };
}

export async function run(): Promise<BenchReport> {
  const clock = new MonotonicClock(process.hrtime.bigint());
  const model = stage(join(defaultLatencyModelDir(), MODEL_FILE), clock);
  if (!(model.forecaster instanceof ModelLatencyForecaster))
    throw new Error('latency bench: the shipped model did not load');
  const ewma = stage(null, clock);
  const features = new LatencyFeatures(VENUES);
  const x = new Float32Array(VENUES * FEATURE_COUNT);
  for (let i = 0; i < WARM_SAMPLES; i++)
    for (let v = 0; v < VENUES; v++) features.observe(v, i * 1e6, 3e5 + i, 100);

  const bench = new Bench({ time: 2000, warmupTime: 300, throws: true });
  bench.add(`refresh ${VENUES} venues: features + ORT run + publish`, () => model.predict.refresh(), {
    beforeEach: () => model.feedAll(),
  });
  bench.add(`features of ${VENUES} venues (LatencyFeatures.write)`, () => {
    const now = clock.nowNs();
    for (let v = 0; v < VENUES; v++) features.write(v, now, x, v * FEATURE_COUNT);
  });
  bench.add(`EWMA fallback refresh, ${VENUES} venues`, () => ewma.predict.refresh(), {
    beforeEach: () => ewma.feedAll(),
  });
  await bench.run();
  const rows = bench.tasks.map(latencyRowUs);
  return { name: `Latency forecast refresh (shipped model, ${VENUES} venues, batch ${VENUES})`, rows };
}

if (isMainModule(import.meta.url)) printReport(await run());
