/**
 * `npm run bench`: runs the hot-path micro-benchmarks one after another and prints their tables.
 * The pipeline benchmark (threads, minutes) runs separately: `npm run bench:pipeline`; the
 * backtest replay benchmark also runs alone as `npm run bench:backtest`.
 */
import { cpus } from 'node:os';
import { run as runBacktest } from './backtest.bench.js';
import { type BenchReport, printReport } from './bench-report.js';
import { run as runFinnhubNormalizer } from './finnhub-normalizer.bench.js';
import { run as runLatencyModel } from './latency-model.bench.js';
import { run as runPolicy } from './policy.bench.js';
import { run as runRecordCodec } from './record-codec.bench.js';
import { run as runRiskStage } from './risk-stage.bench.js';
import { run as runSpscRing } from './spsc-ring.bench.js';

const BENCHES: (() => Promise<BenchReport>)[] = [
  runSpscRing,
  runRecordCodec,
  runRiskStage,
  runFinnhubNormalizer,
  runPolicy,
  runLatencyModel,
  () => runBacktest(),
];

const t0 = performance.now();
console.log(`node ${process.version}, ${process.arch}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`);
for (const bench of BENCHES) printReport(await bench());
console.log(`\nbenchmarks took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
