/**
 * `hft train latency`: builds the dataset (a user's `--samples` file split 70/30 by time per
 * venue, or the simulator's training venues and seeds), trains the quantile MLP with a progress
 * bar, exports it to ONNX, scores it with onnxruntime-node on the held-out part, and writes
 * model.onnx + metadata.json (+ eval.json) to `--out`.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { referenceForecasts } from '../ml/latency/causal-filter/filter-forecasts.js';
import { buildRows, type LatencyRows } from '../ml/latency/latency-dataset.js';
import {
  evaluateForecasts,
  type LatencyEvalReport,
  modelForecasts,
} from '../ml/latency/latency-evaluation.js';
import { FEATURE_PARAMS, LATENCY_FEATURES } from '../ml/latency/latency-features.js';
import { type LatencyModelMetadata, writeLatencyModel } from '../ml/latency/latency-model-files.js';
import { type LatencySamples, totalSamples } from '../ml/latency/latency-series.js';
import {
  DEFAULT_LOSS,
  DEFAULT_TRAIN_OPTIONS,
  type TrainedLatencyModel,
  trainLatencyModel,
} from '../ml/latency/latency-trainer.js';
import { OnnxLatencyModel } from '../ml/latency/onnx-latency-model.js';
import { exportMlpToOnnx, ONNX_OPSET } from '../ml/onnx/mlp-onnx-exporter.js';
import { type LatencyData, type LatencyDataOptions, testData, trainingData } from './latency-data.js';
import { latencyEvalTable } from './latency-report.js';
import { ProgressBar } from './progress-bar.js';

const LOSS_DESCRIPTION = {
  level:
    'pinball on latency / reference weighted by the reference level (eval.json units), summed over p50/p90/p99',
  log: 'pinball, summed over p50/p90/p99, log space',
} as const;

export interface TrainLatencyOptions extends LatencyDataOptions {
  /** Where model.onnx, metadata.json and eval.json go (runs/<stamp>/latency by default: model-install.ts). */
  readonly out: string;
  readonly seed: number;
  readonly epochs?: number;
  /** The command line, recorded in metadata.json. */
  readonly command: string;
}

export async function runTrainLatency(
  o: TrainLatencyOptions,
  print: (line: string) => void,
): Promise<LatencyEvalReport> {
  const outDir = resolve(o.out);
  const t0 = performance.now();
  const train = trainingData(o);
  const test = testData(o, o.samples !== undefined ? train.samples : undefined);
  const trainRows = buildRows(train.samples, train.part);
  const testRows = buildRows(test.samples, test.part, { baselines: true });
  print(
    `training on ${trainRows.count} rows (${train.description}); testing on ${testRows.count} (${test.description})`,
  );
  const bar = new ProgressBar(process.stderr);
  const trained = await trainLatencyModel(trainRows, {
    ...DEFAULT_TRAIN_OPTIONS,
    seed: o.seed,
    epochs: o.epochs ?? DEFAULT_TRAIN_OPTIONS.epochs,
    onProgress: (p) =>
      bar.update(
        (p.epoch - 1 + p.step / p.stepsPerEpoch) / p.epochs,
        `epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}`,
      ),
  });
  bar.done();
  const trainS = (performance.now() - t0) / 1000;
  const onnx = exportMlpToOnnx(trained.layers, {
    graphName: 'latency_quantiles',
    docString: 'p50, p90, p99 of the next latency sample, log ns relative to the reference level',
    metadata: { features: LATENCY_FEATURES.join(','), outputs: 'p50,p90,p99' },
  });
  const model = OnnxLatencyModel.load(onnx, 'trained model');
  let forecasts: Float64Array;
  try {
    forecasts = modelForecasts(model, testRows);
  } finally {
    model.dispose();
  }
  const filter = referenceForecasts(test.samples, testRows, test.filter);
  const report = evaluateForecasts(test.samples, testRows, forecasts, totalSamples(test.samples), filter);
  const meta = metadata(o, train, test, trainRows, trained, report, trainS);
  writeLatencyModel(outDir, onnx, meta);
  writeFileSync(join(outDir, 'eval.json'), `${JSON.stringify(report, null, 2)}\n`);
  print(`trained in ${trainS.toFixed(1)} s on the ${trained.backend} backend${fallbackNote(trained)}`);
  for (const line of latencyEvalTable(report)) print(line);
  print(`wrote ${join(outDir, 'model.onnx')} and metadata.json`);
  return report;
}

function fallbackNote(t: TrainedLatencyModel): string {
  return t.backendFallback ? ` (wasm unavailable: ${t.backendFallback})` : '';
}

function metadata(
  o: TrainLatencyOptions,
  train: LatencyData,
  test: LatencyData,
  rows: LatencyRows,
  t: TrainedLatencyModel,
  report: LatencyEvalReport,
  wallS: number,
): LatencyModelMetadata {
  const describe = (s: LatencySamples) => ({
    origin: s.origin,
    samples: totalSamples(s),
    series: s.series.length,
  });
  return {
    model: 'latency-quantile-mlp',
    format: `onnx opset ${ONNX_OPSET}`,
    features: [...LATENCY_FEATURES],
    feature_params: { ...FEATURE_PARAMS },
    outputs: ['p50', 'p90', 'p99'],
    output_space:
      'log(latency ns) - reference (slow EWMA of log latency); forecast = exp(reference + output)',
    architecture: { hidden: [...t.spec.hidden], activation: t.spec.hiddenActivation },
    seed: o.seed,
    data: {
      ...train.metadata,
      train: describe(train.samples),
      test: describe(test.samples),
      train_rows: rows.count,
    },
    training: {
      command: o.command,
      epochs: t.lossHistory.length,
      batch_size: DEFAULT_TRAIN_OPTIONS.batchSize,
      learning_rate: DEFAULT_TRAIN_OPTIONS.learningRate,
      steps: t.steps,
      loss: LOSS_DESCRIPTION[DEFAULT_LOSS],
      loss_history: t.lossHistory,
      backend: t.backend,
      wall_s: Number(wallS.toFixed(1)),
    },
    metrics: {
      test_samples: report.test_samples,
      model: report.model,
      best_baseline: report.best_baseline,
      best_baseline_pinball_mean: report.baselines[report.best_baseline].pinball.mean,
      improvement_vs_best: report.improvement_vs_best,
      causal_filter_pinball_mean: report.causal_filter?.pinball.mean ?? null,
      gap_closed: report.gap_closed?.mean ?? null,
    },
    created_utc: new Date().toISOString(),
  };
}
