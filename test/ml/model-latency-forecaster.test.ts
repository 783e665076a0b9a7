/**
 * The predict stage serving the ONNX latency model: after an inference it publishes the model's
 * quantiles (not the EWMA's), the same numbers as running the model on the same features by
 * hand; without a model, or with one that cannot load, the EWMA forecaster answers.
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
import type { ModelLatencyForecaster } from '../../src/ml/model-latency-forecaster.js';
import { PredictStage, type VenueForecaster } from '../../src/ml/predict-stage.js';
import { ControlBlock, createControlBlock } from '../../src/pipeline/control-block.js';
import { LatencyKind, LatencySampleCodec } from '../../src/shm/records.js';
import { stageFixture } from '../fixtures.js';
import { ROOT } from './latency/latency-test-data.js';

const VENUES = 3;
const SHIPPED = join(ROOT, 'models/latency/model.onnx');

function setup(modelPath: string | null, warnings: string[] = []) {
  const f = stageFixture(['AAPL'], ['A', 'B', 'C']);
  const clock = new ManualClock(1e9);
  const forecaster = createForecaster({
    venues: VENUES,
    modelPath,
    clock,
    wake: () => {},
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

async function untilFresh(predict: PredictStage): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!predict.hasFreshForecasts()) {
    if (Date.now() > deadline) throw new Error('no inference finished within 10 s');
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('ModelLatencyForecaster in the predict stage', () => {
  it('publishes the model quantiles of every venue, batched in one inference', async () => {
    const s = setup(SHIPPED);
    s.feed(60);
    // The model loads asynchronously; until then refreshes publish the EWMA.
    for (let i = 0; i < 1000 && !s.forecaster.hasFresh?.(); i++) {
      s.clock.advance(1e6);
      s.feed(1);
      s.predict.refresh();
      await new Promise((r) => setTimeout(r, 2));
    }
    await untilFresh(s.predict);
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

  it('matches the model run by hand on the same features', async () => {
    const s = setup(SHIPPED);
    s.feed(60);
    const model = await OnnxLatencyModel.load(SHIPPED);
    // Until the model has loaded a refresh starts nothing; once one starts an inference, stop
    // feeding, so the features it ran on are the mirror's.
    const served = s.forecaster as ModelLatencyForecaster;
    for (let i = 0; i < 5000 && !served.inferenceRunning && !served.hasFresh(); i++) {
      await new Promise((r) => setTimeout(r, 1));
      s.predict.onLatencySample(
        Object.assign(LatencySampleCodec.create(), {
          venueId: 0,
          tsNs: s.clock.nowNs(),
          latencyNs: 300e3,
          orderQty: 100,
          kind: LatencyKind.orderAck,
        }),
      );
      s.mirror.observe(0, s.clock.nowNs(), 300e3, 100);
      s.predict.refresh();
    }
    await untilFresh(s.predict);
    s.predict.refresh();
    const x = new Float32Array(VENUES * FEATURE_COUNT);
    for (let v = 0; v < VENUES; v++) s.mirror.write(v, s.clock.nowNs(), x, v * FEATURE_COUNT);
    const out = await model.run(x, VENUES);
    const expected = new Float64Array(3);
    for (let v = 0; v < VENUES; v++) {
      decodeQuantiles(s.mirror.reference(v), out, v * 3, expected, 0);
      expect(s.table.get(v, ForecastCol.p50Ns)).toBeCloseTo(expected[0], 0);
      expect(s.table.get(v, ForecastCol.p99Ns)).toBeCloseTo(expected[2], 0);
    }
  });

  it('without a model file the EWMA forecaster is used', () => {
    const s = setup(null);
    expect(s.forecaster).toBeInstanceOf(EwmaLatencyForecaster);
    s.feed(5);
    expect(s.predict.refresh()).toBe(true);
    expect(s.table.get(0, ForecastCol.p50Ns)).toBeGreaterThan(0);
  });

  it('a model that cannot load warns once and leaves the EWMA in charge', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hft-bad-model-'));
    writeFileSync(join(dir, 'model.onnx'), 'not an onnx model');
    copyFileSync(join(ROOT, 'models/latency/metadata.json'), join(dir, 'metadata.json'));
    const warnings: string[] = [];
    const s = setup(join(dir, 'model.onnx'), warnings);
    const forecaster: VenueForecaster = s.forecaster;
    s.feed(30);
    await new Promise((r) => setTimeout(r, 200));
    s.predict.refresh();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot load it.*forecasting with the EWMA instead/);
    expect(forecaster.samples(0)).toBe(30);
    expect(s.table.get(0, ForecastCol.p50Ns)).toBeGreaterThan(0);
  });
});
