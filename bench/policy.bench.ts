/**
 * Route-stage policy decisions served by onnxruntime-node (src/routing/policy-router.ts), with
 * the shipped models/dqn and models/ppo. One op = one order's whole decision as the route stage
 * lives it: features into the batch row, the synchronous onnxruntime-node run into preallocated
 * tensors, the masked argmax, the decided order taken back. Also the bare run at batch 1 (a
 * new input tensor per call) and the per-order cost when 16 orders share one inference.
 *
 *   npm run build && node dist/bench/policy.bench.js
 */
import { resolve } from 'node:path';
import { Bench } from 'tinybench';
import { BookTops } from '../src/market/book-tops.js';
import { createForecastTable, FORECAST_COLS, ForecastTable } from '../src/ml/forecast-table.js';
import { modelsDir } from '../src/ml/models-dir.js';
import { OnnxPolicy } from '../src/ml/rl/onnx-policy.js';
import { BestPriceRouter } from '../src/routing/best-price-router.js';
import { PolicyRouter } from '../src/routing/policy-router.js';
import type { RouteContext } from '../src/routing/router.js';
import { TickCodec } from '../src/shm/records.js';
import { createIntent } from '../src/strategies/strategy.js';
import { type BenchReport, isMainModule, latencyOf, printReport, sig } from './bench-report.js';

const MODELS = modelsDir();
const BATCH = 16;

function context(venues: number): RouteContext {
  const book = new BookTops(1, venues);
  const tick = TickCodec.create();
  for (let v = 0; v < venues; v++) {
    Object.assign(tick, { symbolId: 0, venueId: v, bidQty: 400, askQty: 400 });
    tick.bidPx = 100 - 0.01 * (v + 1);
    tick.askPx = 100 + 0.01 * (v + 1);
    book.update(tick);
  }
  const forecasts = new ForecastTable(createForecastTable(venues));
  const row = new Float64Array(FORECAST_COLS);
  for (let v = 0; v < venues; v++) {
    row.set([250e3 * (v + 1), 400e3 * (v + 1), 900e3 * (v + 1), 300e3 * (v + 1), 100, 0]);
    forecasts.publish(v, row);
  }
  return {
    book,
    forecasts,
    feeBps: new Float64Array(venues).fill(0.25),
    venues: { venueUsable: () => true },
  };
}

function decide(router: PolicyRouter, ctx: RouteContext, orders: number): number {
  const tick = TickCodec.create();
  const intent = createIntent();
  intent.side = 1;
  intent.qty = 200;
  intent.arrivalMid = 100;
  for (let k = 0; k < orders; k++) router.submit(intent, tick, ctx, performance.now() * 1e6);
  router.flush(ctx, performance.now() * 1e6);
  let venueSum = 0;
  for (let p = router.takeReady(); p !== null; p = router.takeReady()) venueSum += p.weights[0];
  return venueSum;
}

export async function run(): Promise<BenchReport> {
  const rows: Record<string, string | number>[] = [];
  for (const kind of ['dqn', 'ppo'] as const) {
    const policy = OnnxPolicy.load(resolve(MODELS, kind));
    const ctx = context(policy.venueCount);
    const router = new PolicyRouter(policy, 1, policy.venueCount, ctx.feeBps, new BestPriceRouter());
    const obs = new Float32Array(policy.obsSize);
    const bench = new Bench({ time: 1500, warmupTime: 300 });
    bench.add(`${kind}: decision (submit -> onnxruntime -> order)`, () => decide(router, ctx, 1));
    bench.add(`${kind}: ORT run, batch 1`, () => policy.scores(obs, 1));
    bench.add(`${kind}: ${BATCH} decisions per inference`, () => decide(router, ctx, BATCH));
    await bench.run();
    for (const task of bench.tasks) {
      const l = latencyOf(task);
      const per = task.name.includes(`${BATCH} decisions`) ? BATCH : 1;
      rows.push({
        task: task.name,
        'p50 us': sig((l.p50! * 1e3) / per),
        'p99 us': sig((l.p99! * 1e3) / per),
        'mean us': sig((l.mean * 1e3) / per),
        samples: l.samples,
      });
    }
    if (router.fallbacks !== 0) throw new Error(`policy bench: ${router.fallbacks} fallbacks`);
    policy.release();
  }
  return { name: 'policy decision (onnxruntime-node), per order', rows };
}

if (isMainModule(import.meta.url)) printReport(await run());
