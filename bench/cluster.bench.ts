/**
 * The cluster primitives' costs on a local 3-node NATS JetStream cluster (nats-server processes
 * on 127.0.0.1): budget refills (read + compare-and-set) for one daemon and for three contending,
 * how long a halt takes to reach three watching daemons, and a journal append awaited one at a
 * time. Percentiles from one run.
 *
 *   npm run build && node dist/bench/cluster.bench.js
 */
import { type ClusterClient, connectCluster } from '../src/cluster/cluster-client.js';
import { BUDGET_BUCKET, GlobalBudget } from '../src/cluster/global-budget.js';
import { CONTROL_BUCKET, clearHalt, setHalt, watchHalt } from '../src/cluster/halt-switch.js';
import { ensureJournalStream, ShardJournalWriter } from '../src/cluster/journal-stream.js';
import { LocalNatsCluster } from '../src/cluster/local-nats-cluster.js';
import { type BenchReport, isMainModule, printReport, sig } from './bench-report.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function refillsPerSec(budgets: GlobalBudget[], each: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    budgets.map(async (b, i) => {
      for (let k = 0; k < each; k++) await b.reserve(`d${i}`, 1);
    }),
  );
  return (budgets.length * each * 1000) / (performance.now() - t0);
}

async function haltReachMs(clients: ClusterClient[], trials: number): Promise<number[]> {
  const kvs = [];
  for (const c of clients) kvs.push(await c.bucket(CONTROL_BUCKET));
  await clearHalt(kvs[0]);
  const out: number[] = [];
  for (let r = 0; r < trials; r++) {
    const seen: number[] = [];
    const stops = await Promise.all(
      kvs.map((kv, i) =>
        watchHalt(kv, (s) => {
          if (s.halted && seen[i] === undefined) seen[i] = performance.now();
        }),
      ),
    );
    await sleep(50);
    const t0 = performance.now();
    await setHalt(kvs[0], 'bench');
    while (seen.filter((t) => t !== undefined).length < kvs.length) await sleep(1);
    out.push(Math.max(...seen) - t0);
    for (const stop of stops) stop();
    await clearHalt(kvs[0]);
  }
  return out.sort((a, b) => a - b);
}

async function appendUs(client: ClusterClient, records: number): Promise<number[]> {
  await ensureJournalStream(client.jsm);
  const w = await ShardJournalWriter.open(client.js, client.jsm, 0);
  const bytes = new Uint8Array(128);
  const out: number[] = [];
  for (let n = 1; n <= records; n++) {
    const t0 = performance.now();
    await w.append(n, bytes);
    out.push((performance.now() - t0) * 1e3);
  }
  return out.sort((a, b) => a - b);
}

export async function run(): Promise<BenchReport> {
  const cluster = await LocalNatsCluster.start(3);
  const clients: ClusterClient[] = [];
  try {
    for (let i = 0; i < 3; i++) clients.push(await connectCluster(cluster.servers));
    const budgets: GlobalBudget[] = [];
    for (const c of clients) budgets.push(new GlobalBudget(await c.bucket(BUDGET_BUCKET), 'bench'));
    await budgets[0].init(1e12);
    const one = await refillsPerSec(budgets.slice(0, 1), 500);
    const three = await refillsPerSec(budgets, 200);
    const halt = await haltReachMs(clients, 20);
    const append = await appendUs(clients[0], 1000);
    return {
      name: 'cluster primitives on 3 local nats-server nodes',
      rows: [
        { what: 'budget refills/s, one daemon', value: Math.round(one) },
        { what: 'budget refills/s, three daemons contending', value: Math.round(three) },
        {
          what: 'halt reaches 3 daemons, ms p50 / p95 / max',
          value: `${sig(pct(halt, 0.5))} / ${sig(pct(halt, 0.95))} / ${sig(halt[halt.length - 1])}`,
        },
        {
          what: 'journal append awaited, us p50 / p99',
          value: `${sig(pct(append, 0.5))} / ${sig(pct(append, 0.99))}`,
        },
      ],
    };
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    cluster.close();
  }
}

if (isMainModule(import.meta.url)) printReport(await run());
