/**
 * RiskStage.onOrder: the pre-trade check per order, timed one call per sample (p50/p99 in us).
 * A real RiskStage as build-nodes.ts builds it: PipelineMetrics over shared counters, a QuoteTable
 * (seqlock) with a quote published for every symbol and venue, the live MonotonicClock. Open
 * quantity is reset between calls (outside the timed call) so every approved-path call takes the
 * full path: limits, reference mid over all venues, portfolio gross over all symbols, histogram.
 * tinybench subtracts its own timer-call overhead (~100-200 ns here, larger than the check) from
 * each sample, so the last row times BATCH orders per op for a mean free of that noise.
 *
 *   npm run build && node dist/bench/risk-stage.bench.js
 */
import { Bench } from 'tinybench';
import { MonotonicClock } from '../src/core/clock.js';
import { asSymbolId, asVenueId } from '../src/core/ids.js';
import type { RegistryData } from '../src/core/registry.js';
import type { RiskLimits } from '../src/execution/risk-limits.js';
import { RiskStage } from '../src/execution/risk-stage.js';
import { createQuoteTable, QuoteTable } from '../src/market/quote-table.js';
import { createPipelineMetrics, PipelineMetrics } from '../src/run-state/pipeline-metrics.js';
import { OrderCodec, OrderType, Side, TickCodec } from '../src/shm/records.js';
import { type BenchReport, isMainModule, latencyOf, latencyRowUs, printReport, sig } from './bench-report.js';

const SYMBOLS = 8;
const VENUES = 4;
const ORDER_QTY = 100;
const MAX_ORDER_QTY = 1_000;
/** Orders per op in the batched task: few enough that open quantity stays inside every limit. */
const BATCH = 256;

function setup() {
  const registry: RegistryData = {
    symbols: Array.from({ length: SYMBOLS }, (_, s) => `SYM${s}`),
    venues: Array.from({ length: VENUES }, (_, v) => `VENUE${v}`),
  };
  const metrics = new PipelineMetrics(createPipelineMetrics(registry, ['risk']));
  const quotes = new QuoteTable(createQuoteTable(SYMBOLS, VENUES), VENUES);
  const clock = new MonotonicClock(process.hrtime.bigint());
  const tick = TickCodec.create();
  for (let s = 0; s < SYMBOLS; s++) {
    for (let v = 0; v < VENUES; v++) {
      Object.assign(tick, { symbolId: s, venueId: v, bidQty: 500, askQty: 500, recvTsNs: clock.nowNs() });
      tick.bidPx = 100 + s - 0.01 * (v + 1);
      tick.askPx = 100 + s + 0.01 * (v + 1);
      quotes.publish(tick);
    }
  }
  const limits: RiskLimits = {
    maxOrderQty: MAX_ORDER_QTY,
    maxOrderNotionalUsd: 1e9,
    maxPositionQty: 10_000,
    maxPortfolioNotionalUsd: 10_000_000,
    priceBandBps: 100,
    staleQuoteNs: 1e15,
    maxOrdersPerSec: 1e12,
    maxOpenOrders: 1_000_000,
    maxLossUsd: 1e12,
    maxDrawdownUsd: 1e12,
  };
  const risk = new RiskStage(SYMBOLS, limits, quotes, clock, metrics, {
    trip: () => false,
    reset: () => false,
  });
  return { risk, clock, metrics };
}

export async function run(): Promise<BenchReport> {
  const { risk, clock, metrics } = setup();
  const order = OrderCodec.create();
  let n = 0;

  /** The next order: symbols and sides rotate, priced at the symbol's mid, stamped as route did. */
  function nextOrder(qty: number): void {
    n++;
    order.clientOrderId = n;
    order.symbolId = asSymbolId(n % SYMBOLS);
    order.venueId = asVenueId(n % VENUES);
    order.side = (n & 1) === 0 ? Side.buy : Side.sell;
    order.type = OrderType.limitIoc;
    order.qty = qty;
    order.limitPx = 100 + order.symbolId;
    order.routeTsNs = clock.nowNs();
  }

  const tally = { approve: [0, 0], reject: [0, 0] };
  const bench = new Bench({ time: 1500, warmupTime: 300, throws: true, subtractTimerOverhead: true });
  // async: false stops tinybench calling each task once outside the hooks to detect a promise,
  // so every call is one that a hook prepared and the tallies below must add up exactly.
  bench.add('onOrder, approved', () => tally.approve[risk.onOrder(order) ? 0 : 1]++, {
    async: false,
    beforeEach: () => {
      // The previous order was cancelled at the venue: open quantity back to 0 and the order out
      // of the open-order table, so every timed call takes the full approve path (a live run's
      // steady state) instead of drifting into max_position or max_open_orders rejects.
      risk.openBuyQty.fill(0);
      risk.openSellQty.fill(0);
      if (risk.orders.find(order.clientOrderId) >= 0) risk.orders.onDone(order.clientOrderId);
      nextOrder(ORDER_QTY);
    },
  });
  bench.add('onOrder, rejected (max order size)', () => tally.reject[risk.onOrder(order) ? 0 : 1]++, {
    async: false,
    beforeEach: () => nextOrder(MAX_ORDER_QTY * 5),
  });
  // The same approve path without per-call timer noise: BATCH prepared orders per op.
  const batch = Array.from({ length: BATCH }, () => {
    nextOrder(ORDER_QTY);
    return OrderCodec.copy(order, OrderCodec.create());
  });
  bench.add(
    `onOrder, approved, ${BATCH} per op`,
    () => {
      for (let k = 0; k < BATCH; k++) tally.approve[risk.onOrder(batch[k]) ? 0 : 1]++;
    },
    {
      async: false,
      beforeEach: () => {
        risk.openBuyQty.fill(0);
        risk.openSellQty.fill(0);
        // Every order of the previous op ended; this op's orders get fresh, unique ids.
        for (const b of batch) {
          if (risk.orders.find(b.clientOrderId) >= 0) risk.orders.onDone(b.clientOrderId);
          b.clientOrderId = ++n;
        }
        const now = clock.nowNs();
        for (const o of batch) o.routeTsNs = now;
      },
    },
  );
  await bench.run();

  const approveTask = bench.getTask('onOrder, approved')!;
  const rejectTask = bench.getTask('onOrder, rejected (max order size)')!;
  const calls = tally.approve[0] + tally.approve[1] + tally.reject[0] + tally.reject[1];
  const c = metrics.counters;
  if (
    tally.approve[1] !== 0 ||
    tally.reject[0] !== 0 ||
    c.byName('risk_checks') !== calls ||
    c.byName('risk_reject_max_order_size') !== tally.reject[1]
  ) {
    throw new Error(
      `risk bench: unexpected decisions ${JSON.stringify(tally)}, counters ${JSON.stringify(c.toObject())}`,
    );
  }

  const perCall = [approveTask, rejectTask].map(latencyRowUs);
  // Batched: percentiles are of per-op means, so they show op-to-op spread, not single orders.
  const b = latencyOf(bench.getTask(`onOrder, approved, ${BATCH} per op`)!);
  const perOrderUs = (ms: number) => sig((ms * 1e3) / BATCH);
  const rows = [
    ...perCall,
    {
      task: `onOrder, approved (mean of ${BATCH}-order ops)`,
      'p50 us': perOrderUs(b.p50),
      'p99 us': perOrderUs(b.p99),
      'p99.9 us': perOrderUs(b.p999),
      'mean us': perOrderUs(b.mean),
      samples: b.samples * BATCH,
    },
  ];
  const overheadNs = (bench.timerOverhead ?? 0) * 1e6;
  return {
    name: `RiskStage.onOrder per order (${SYMBOLS} symbols x ${VENUES} venues; timer overhead ${sig(overheadNs, 2)} ns subtracted)`,
    rows,
  };
}

if (isMainModule(import.meta.url)) printReport(await run());
