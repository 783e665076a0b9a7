/**
 * Training and serving compute the same features: the rows the dataset builder trains on equal,
 * bit for bit, the model inputs the predict stage writes when the same samples arrive through it
 * (interleaved across venues, as they do live).
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { EwmaLatencyForecaster } from '../../../src/ml/ewma-latency-forecaster.js';
import { createForecastTable, ForecastTable } from '../../../src/ml/forecast-table.js';
import { buildRows } from '../../../src/ml/latency/latency-dataset.js';
import { FEATURE_COUNT, FEATURE_PARAMS, LatencyFeatures } from '../../../src/ml/latency/latency-features.js';
import type { OnnxLatencyModel } from '../../../src/ml/latency/onnx-latency-model.js';
import { DEFAULT_ORDER_FLOW, simulateLatencySamples } from '../../../src/ml/latency/sim-latency-samples.js';
import { ModelLatencyForecaster } from '../../../src/ml/model-latency-forecaster.js';
import { PredictStage } from '../../../src/ml/predict-stage.js';
import { ControlBlock, createControlBlock } from '../../../src/run-state/control-block.js';
import { LatencyKind, LatencySampleCodec } from '../../../src/shm/records.js';
import { stageFixture } from '../../fixtures.js';
import { testVenues } from './latency-test-data.js';

const FLOW = { ...DEFAULT_ORDER_FLOW, durationS: 4 };

/** A model stand-in that keeps a copy of every input batch and answers zeros. */
function capturingModel(venues: number) {
  const inputs: Float32Array[] = [];
  let buffer: Float32Array = new Float32Array(0);
  const model = {
    inputFor: (b: Float32Array) => {
      if (buffer.length === 0) buffer = b; // the forecast input (a keep-warm input would come later)
      return {};
    },
    outputFor: () => ({}),
    runInto: () => {
      inputs.push(buffer.slice());
      return new Float32Array(venues * 3);
    },
  } as unknown as OnnxLatencyModel;
  return { model, inputs };
}

describe('latency features', () => {
  it('training rows equal the predict stage inputs for the same interleaved samples', async () => {
    const samples = simulateLatencySamples(testVenues().slice(0, 2), [5], FLOW);
    const venues = samples.series.length;
    const rows = buildRows(samples, 'all');
    const f = stageFixture(['AAPL'], ['A', 'B']);
    const clock = new ManualClock(0);
    const { model, inputs } = capturingModel(venues);
    const forecaster = new ModelLatencyForecaster(
      venues,
      new EwmaLatencyForecaster(venues),
      model,
      (e: Error) => expect.fail(e.message),
      0,
    );
    const control = new ControlBlock(createControlBlock(1));
    const predict = new PredictStage(
      forecaster,
      new ForecastTable(createForecastTable(venues)),
      clock,
      f.metrics,
      control,
      4,
    );
    // Merge the series by stamp; after each sample, refresh at that sample's stamp (as training does).
    const events = samples.series.flatMap((s, v) => Array.from(s.tsNs, (ts, i) => ({ ts, v, i })));
    events.sort((a, b) => a.ts - b.ts || a.v - b.v);
    const sample = LatencySampleCodec.create();
    const served: Float32Array[][] = samples.series.map(() => []);
    for (const e of events) {
      const s = samples.series[e.v];
      Object.assign(sample, {
        venueId: e.v,
        tsNs: e.ts,
        latencyNs: s.latencyNs[e.i],
        orderQty: s.orderQty[e.i],
        kind: LatencyKind.orderAck,
      });
      clock.set(e.ts);
      predict.onLatencySample(sample);
      const before = inputs.length;
      predict.refresh();
      if (inputs.length > before && forecaster.features.ready(e.v) && e.i < s.tsNs.length - 1)
        served[e.v].push(inputs[inputs.length - 1].slice(e.v * FEATURE_COUNT, (e.v + 1) * FEATURE_COUNT));
    }
    for (let v = 0; v < venues; v++) {
      const trained: Float32Array[] = [];
      for (let r = 0; r < rows.count; r++)
        if (rows.series[r] === v)
          trained.push(rows.features.slice(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT));
      expect(trained.length).toBeGreaterThan(100);
      expect(served[v].length).toBe(trained.length);
      for (let r = 0; r < trained.length; r++)
        expect(Array.from(served[v][r])).toEqual(Array.from(trained[r]));
    }
  });

  it('are relative to the level: a venue ten times slower gets the same level features', () => {
    const a = new LatencyFeatures(2);
    for (let i = 0; i < 40; i++) {
      const ns = 200e3 * (1 + 0.3 * Math.sin(i));
      a.observe(0, i * 1e7, ns, 100);
      a.observe(1, i * 1e7, ns * 10, 100);
    }
    const out = new Float32Array(2 * FEATURE_COUNT);
    a.write(0, 40e7, out, 0);
    a.write(1, 40e7, out, FEATURE_COUNT);
    for (let k = 0; k < 7; k++) expect(out[k]).toBeCloseTo(out[FEATURE_COUNT + k], 5);
    expect(a.reference(1) - a.reference(0)).toBeCloseTo(Math.log(10), 6);
    expect(a.ready(0)).toBe(40 >= FEATURE_PARAMS.minSamples);
  });

  it('ignores non-positive and non-finite latencies', () => {
    const a = new LatencyFeatures(1);
    a.observe(0, 1, 0, 0);
    a.observe(0, 2, Number.NaN, 0);
    a.observe(0, 3, -5, 0);
    expect(a.samples(0)).toBe(0);
  });
});
