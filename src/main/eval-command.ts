/**
 * `hft eval latency`: scores a trained model (default the shipped models/latency/model.onnx)
 * against the baselines and, when the samples' process is known, its causal filter with the true
 * parameters, on held-out data; prints the table and, with `--report DIR`, writes
 * eval.json (docs/contract.md) and eval.svg there.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { VenueConfig } from '../config/config-types.js';
import { UsageError } from '../core/errors.js';
import { referenceForecasts } from '../ml/latency/causal-filter/filter-forecasts.js';
import { buildRows } from '../ml/latency/latency-dataset.js';
import {
  evaluateForecasts,
  type LatencyEvalReport,
  modelForecasts,
} from '../ml/latency/latency-evaluation.js';
import {
  defaultLatencyModelDir,
  latencyModelFile,
  readLatencyMetadata,
} from '../ml/latency/latency-model-files.js';
import { totalSamples } from '../ml/latency/latency-series.js';
import { OnnxLatencyModel } from '../ml/latency/onnx-latency-model.js';
import { testData } from './latency-data.js';
import { latencyEvalChart, latencyEvalTable } from './latency-report.js';

export interface EvalLatencyOptions {
  readonly samples?: string;
  readonly model?: string;
  readonly report?: string;
  /** The known process a `--samples` file was drawn from (latency-data.ts KNOWN_PROCESSES). */
  readonly process?: string;
  readonly venues: readonly VenueConfig[];
}

export async function runEvalLatency(
  o: EvalLatencyOptions,
  print: (line: string) => void,
): Promise<LatencyEvalReport> {
  const modelPath = latencyModelFile(o.model ?? defaultLatencyModelDir());
  if (!existsSync(modelPath))
    throw new UsageError(`--model: ${modelPath} does not exist; train one with hft train latency --out DIR`);
  const meta = readLatencyMetadata(modelPath);
  const data = testData({ samples: o.samples, venues: o.venues, seed: meta.seed, process: o.process });
  const rows = buildRows(data.samples, data.part, { baselines: true });
  if (rows.count === 0)
    throw new UsageError(`--samples: no test rows in ${data.description} (too few samples per venue)`);
  const model = OnnxLatencyModel.load(modelPath);
  let forecasts: Float64Array;
  try {
    forecasts = modelForecasts(model, rows);
  } finally {
    model.dispose();
  }
  const filter = referenceForecasts(data.samples, rows, data.filter);
  const report = evaluateForecasts(data.samples, rows, forecasts, totalSamples(data.samples), filter);
  print(`model ${modelPath} on ${data.description}`);
  for (const line of latencyEvalTable(report)) print(line);
  if (o.report !== undefined) {
    const dir = resolve(o.report);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'eval.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(dir, 'eval.svg'), latencyEvalChart(report, `Latency forecasts: ${data.description}`));
    print(`wrote ${join(dir, 'eval.json')} and eval.svg`);
  }
  return report;
}
