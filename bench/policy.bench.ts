/**
 * A trained policy's costs with the shipped models/dqn and models/ppo: on the order path, one
 * order's decision read from the routing table (TablePolicyRouter.split: seqlock read, no
 * onnxruntime); beside it, one routing-table refresh (PolicyTableBuilder: features for every
 * wanted row, one synchronous onnxruntime-node run, masked argmax, publish) with 1 and 16 rows,
 * and the bare onnxruntime run at batch 1.
 *
 *   npm run build && node dist/bench/policy.bench.js
 */
import { resolve } from 'node:path';
import { Bench } from 'tinybench';
import { ManualClock } from '../src/core/clock.js';
import { Registry } from '../src/core/registry.js';
import { createQuoteTable, QuoteTable } from '../src/market/quote-table.js';
import { createForecastTable, FORECAST_COLS, ForecastTable } from '../src/ml/forecast-table.js';
import { modelsDir } from '../src/ml/models-dir.js';
import { OnnxPolicy } from '../src/ml/rl/onnx-policy.js';
import { BestPriceRouter } from '../src/routing/best-price-router.js';
import { LivePolicyInputs } from '../src/routing/live-policy-inputs.js';
import { PolicyTableBuilder } from '../src/routing/policy-table-builder.js';
import { createRoutingTable, RoutingTable } from '../src/routing/routing-table.js';
import { TablePolicyRouter } from '../src/routing/table-policy-router.js';
import { createPipelineMetrics, PipelineMetrics } from '../src/run-state/pipeline-metrics.js';
import { TickCodec } from '../src/shm/records.js';
import { createIntent } from '../src/strategies/strategy.js';
import { type BenchReport, isMainModule, latencyOf, printReport, sig } from './bench-report.js';

const MODELS = modelsDir();
/** Symbols in the many-rows refresh: 8 x (buy, sell) = 16 wanted rows. */
const SYMBOLS = 8;

function quotes(symbols: number, venues: number): QuoteTable {
  const q = new QuoteTable(createQuoteTable(symbols, venues), venues);
  const tick = TickCodec.create();
  for (let s = 0; s < symbols; s++)
    for (let v = 0; v < venues; v++) {
      Object.assign(tick, { symbolId: s, venueId: v, bidQty: 400, askQty: 400, recvTsNs: 1 });
      tick.bidPx = 100 - 0.01 * (v + 1);
      tick.askPx = 100 + 0.01 * (v + 1);
      q.publish(tick);
    }
  return q;
}

function forecasts(venues: number): ForecastTable {
  const f = new ForecastTable(createForecastTable(venues));
  const row = new Float64Array(FORECAST_COLS);
  for (let v = 0; v < venues; v++) {
    row.set([250e3 * (v + 1), 400e3 * (v + 1), 900e3 * (v + 1), 300e3 * (v + 1), 100, 0]);
    f.publish(v, row);
  }
  return f;
}

/** A builder over `symbols` symbols whose buy and sell rows are wanted, and a router on its table. */
function tableFor(policy: OnnxPolicy, symbols: number) {
  const venues = policy.venueCount;
  const registry = new Registry({
    symbols: Array.from({ length: symbols }, (_, i) => `S${i}`),
    venues: policy.metadata.venues,
  });
  const metrics = new PipelineMetrics(createPipelineMetrics(registry.toData(), ['bench']));
  const handle = createRoutingTable(symbols, venues);
  const clock = new ManualClock(1e6);
  const table = new RoutingTable(handle);
  const builder = new PolicyTableBuilder(
    policy,
    new LivePolicyInputs(quotes(symbols, venues), forecasts(venues), metrics, table, {
      venueUsable: () => true,
    }),
    table,
    new Float64Array(venues).fill(0.25),
    clock,
    metrics,
    { maxUnchangedNs: 0 },
  );
  const router = new TablePolicyRouter(policy.kind, new RoutingTable(handle), new BestPriceRouter(), 1e18);
  const intent = createIntent();
  const weights = new Float64Array(venues);
  Object.assign(intent, { symbolId: 0, qty: 200, arrivalMid: 100 });
  for (let s = 0; s < symbols; s++)
    for (const side of [1, -1]) router.split(Object.assign(intent, { symbolId: s, side }), 0, 0, weights);
  let now = 2e6;
  const refresh = () => {
    now += 1e3;
    if (builder.refresh(now) !== 2 * symbols) throw new Error('policy bench: a refresh decided no row');
  };
  refresh();
  const decide = () => {
    if (!router.split(intent, now, now, weights)) throw new Error('policy bench: no decision in the table');
    return weights[0];
  };
  return { refresh, decide };
}

export async function run(): Promise<BenchReport> {
  const rows: Record<string, string | number>[] = [];
  for (const kind of ['dqn', 'ppo'] as const) {
    const policy = OnnxPolicy.load(resolve(MODELS, kind));
    const one = tableFor(policy, 1);
    const many = tableFor(policy, SYMBOLS);
    const obs = new Float32Array(policy.obsSize);
    const bench = new Bench({ time: 1500, warmupTime: 300 });
    bench.add(`${kind}: order decision (routing-table read, order path)`, one.decide);
    bench.add(`${kind}: table refresh, 2 rows (beside the path)`, one.refresh);
    bench.add(`${kind}: table refresh, ${2 * SYMBOLS} rows (beside the path)`, many.refresh);
    bench.add(`${kind}: ORT run, batch 1`, () => policy.scores(obs, 1));
    await bench.run();
    for (const task of bench.tasks) {
      const l = latencyOf(task);
      rows.push({
        task: task.name,
        'p50 us': sig(l.p50! * 1e3),
        'p99 us': sig(l.p99! * 1e3),
        'mean us': sig(l.mean * 1e3),
        samples: l.samples,
      });
    }
    policy.release();
  }
  return { name: 'trained policy: order decision and routing-table refresh (onnxruntime-node)', rows };
}

if (isMainModule(import.meta.url)) printReport(await run());
