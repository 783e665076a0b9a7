/**
 * The predict stage serving the ONNX latency model: each refresh publishes the model's quantiles
 * (not the EWMA's), the same numbers as running the model on the same features by hand; without
 * a model, or with one that cannot load, the EWMA forecaster answers.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { createForecaster } from '../../src/ml/create-forecaster.js';
import { EwmaLatencyForecaster } from '../../src/ml/ewma-latency-forecaster.js';
import { createForecastTable, ForecastCol, ForecastTable } from '../../src/ml/forecast-table.js';
import { FEATURE_COUNT, LatencyFeatures } from '../../src/ml/latency/latency-features.js';
import { decodeQuantiles } from '../../src/ml/latency/latency-quantiles.js';
import { OnnxLatencyModel } from '../../src/ml/latency/onnx-latency-model.js';
import { ModelLatencyForecaster } from '../../src/ml/model-latency-forecaster.js';
import { PredictStage, type VenueForecaster } from '../../src/ml/predict-stage.js';
import { ControlBlock, createControlBlock } from '../../src/run-state/control-block.js';
import { LatencyKind, LatencySampleCodec } from '../../src/shm/records.js';
import { stageFixture } from '../fixtures.js';
import { ROOT } from './latency/latency-test-data.js';

const VENUES = 3;
const SHIPPED = join(ROOT, 'models/latency/model.onnx');

function setup(modelPath: string | null, warnings: string[] = [], warmIntervalNs = 0) {
  const f = stageFixture(['AAPL'], ['A', 'B', 'C']);
  const clock = new ManualClock(1e9);
  const forecaster = createForecaster({
    venues: VENUES,
    modelPath,
    warmIntervalNs,
    wallOffsetNs: 0,
    warn: (m) => warnings.push(m),
  });
  const table = new ForecastTable(createForecastTable(VENUES));
  const predict = new PredictStage(
    forecaster,
    table,
    clock,
    f.metrics,
    new ControlBlock(createControlBlock(1)),
    4,
  );
  const sample = LatencySampleCodec.create();
  const mirror = new LatencyFeatures(VENUES);
  const feed = (n: number) => {
    for (let i = 0; i < n; i++) {
      for (let v = 0; v < VENUES; v++) {
        const latencyNs = (200 + 150 * v) * 1e3 * (1 + 0.2 * Math.sin(i * 1.7 + v)) * (i % 13 === 0 ? 4 : 1);
        clock.advance(3e6);
        Object.assign(sample, {
          venueId: v,
          tsNs: clock.nowNs(),
          latencyNs,
          orderQty: 100 * (1 + (i % 3)),
          kind: LatencyKind.orderAck,
        });
        predict.onLatencySample(sample);
        mirror.observe(v, sample.tsNs, latencyNs, sample.orderQty);
      }
    }
  };
  return { f, clock, forecaster, table, predict, feed, mirror };
}

describe('ModelLatencyForecaster in the predict stage', () => {
  it('publishes the model quantiles of every venue, batched in one inference', () => {
    const s = setup(SHIPPED);
    expect(s.forecaster).toBeInstanceOf(ModelLatencyForecaster);
    s.feed(60);
    expect(s.predict.refresh()).toBe(true);
    for (let v = 0; v < VENUES; v++) {
      const p50 = s.table.get(v, ForecastCol.p50Ns);
      const p90 = s.table.get(v, ForecastCol.p90Ns);
      const p99 = s.table.get(v, ForecastCol.p99Ns);
      expect(p50).toBeGreaterThan(0);
      expect(p90).toBeGreaterThanOrEqual(p50);
      expect(p99).toBeGreaterThanOrEqual(p90);
    }
    expect(s.f.metrics.hist.predict_inference.count).toBeGreaterThan(0);
  });

  it('matches the model run by hand on the same features, refresh after refresh', async () => {
    const s = setup(SHIPPED);
    const model = OnnxLatencyModel.load(SHIPPED);
    const x = new Float32Array(VENUES * FEATURE_COUNT);
    const expected = new Float64Array(3);
    for (let round = 0; round < 3; round++) {
      s.feed(40);
      s.predict.refresh();
      for (let v = 0; v < VENUES; v++) s.mirror.write(v, s.clock.nowNs(), x, v * FEATURE_COUNT);
      const out = model.run(x, VENUES);
      for (let v = 0; v < VENUES; v++) {
        decodeQuantiles(s.mirror.reference(v), out, v * 3, expected, 0);
        expect(s.table.get(v, ForecastCol.p50Ns)).toBeCloseTo(expected[0], 0);
        expect(s.table.get(v, ForecastCol.p90Ns)).toBeCloseTo(expected[1], 0);
        expect(s.table.get(v, ForecastCol.p99Ns)).toBeCloseTo(expected[2], 0);
      }
    }
    model.dispose();
  });

  it('keep-warm runs between refreshes without touching the published forecasts', () => {
    const s = setup(SHIPPED, [], 1e6);
    s.feed(40);
    s.predict.refresh();
    const at = s.clock.nowNs();
    const before = [0, 1, 2].map((v) => s.table.get(v, ForecastCol.p50Ns));
    expect(s.predict.nextWarmNs()).toBe(at + 1e6);
    s.predict.keepWarm(at + 1e6);
    expect(s.predict.nextWarmNs()).toBe(at + 2e6);
    expect([0, 1, 2].map((v) => s.table.get(v, ForecastCol.p50Ns))).toEqual(before);
    s.feed(1);
    s.predict.refresh(); // the next refresh still serves the model on the latest features
    expect(s.table.get(0, ForecastCol.p50Ns)).not.toBe(before[0]);
  });

  it('without a model file the EWMA forecaster is used', () => {
    const s = setup(null);
    expect(s.forecaster).toBeInstanceOf(EwmaLatencyForecaster);
    s.feed(5);
    expect(s.predict.refresh()).toBe(true);
    expect(s.table.get(0, ForecastCol.p50Ns)).toBeGreaterThan(0);
  });

  it('a model that cannot load warns once and leaves the EWMA in charge', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hft-bad-model-'));
    writeFileSync(join(dir, 'model.onnx'), 'not an onnx model');
    copyFileSync(join(ROOT, 'models/latency/metadata.json'), join(dir, 'metadata.json'));
    const warnings: string[] = [];
    const s = setup(join(dir, 'model.onnx'), warnings);
    const forecaster: VenueForecaster = s.forecaster;
    expect(forecaster).toBeInstanceOf(EwmaLatencyForecaster);
    s.feed(30);
    s.predict.refresh();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot load it.*forecasting with the EWMA instead/);
    expect(forecaster.samples(0)).toBe(30);
    expect(s.table.get(0, ForecastCol.p50Ns)).toBeGreaterThan(0);
  });
});
