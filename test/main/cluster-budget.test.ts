/**
 * Three daemons (inline topology) on a real 3-node NATS JetStream cluster share one global
 * portfolio budget: each trades its shard's symbols with a local limit far above the global one,
 * so only the cluster budget binds. Every state the budget key ever held sums to at most the
 * limit, and no daemon's exposure ever passed what it held.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/cluster-client.js';
import { BUDGET_BUCKET, type BudgetState, reservedTotal } from '../../src/cluster/global-budget.js';
import { LocalNatsCluster } from '../../src/cluster/local-nats-cluster.js';
import { shardSymbols } from '../../src/cluster/shard-of.js';

const HFT = resolve(import.meta.dirname, '../../bin/hft.js');
const SYMBOLS = ['AAPL', 'GOOGL', 'AMZN', 'MSFT'];
const LIMIT_USD = 150_000;
const CHUNK_USD = 25_000;
let cluster: LocalNatsCluster;
const dir = mkdtempSync(join(tmpdir(), 'hft-cluster-budget-'));
const config = join(dir, 'cluster.yaml');

beforeAll(async () => {
  cluster = await LocalNatsCluster.start(3);
  writeFileSync(
    config,
    [
      'trading:',
      '  max_portfolio_value: 100000000',
      '  max_position_size: 100000',
      'cluster:',
      `  max_portfolio_value: ${LIMIT_USD}`,
      `  budget_chunk_usd: ${CHUNK_USD}`,
      '',
    ].join('\n'),
  );
}, 60_000);
afterAll(() => cluster?.close());

function daemon(shard: string): Promise<{ code: number | null; stderr: string }> {
  const p: ChildProcess = spawn(
    process.execPath,
    [
      ...[HFT, 'run', '--mode', 'fast', '--pipeline', 'inline', '--config', config, '--duration', '8'],
      ...['--skip-backtest', '--no-record', '--metrics-port', '0', '--log-level', 'quiet'],
      ...['--symbols', SYMBOLS.join(','), '--cluster', cluster.servers.join(','), '--shard', shard],
      ...['--report', join(dir, shard.replace('/', '-'))],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  p.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((r) => p.on('exit', (code) => r({ code, stderr })));
}

it('three daemons never hold more than the global budget, and none trades past what it holds', async () => {
  for (let i = 0; i < 3; i++)
    expect(shardSymbols(SYMBOLS, { index: i, count: 3 }).length, `shard ${i}/3`).toBeGreaterThan(0);
  const client = await connectCluster(cluster.servers);
  const states: BudgetState[] = [];
  try {
    const kv = await client.bucket(BUDGET_BUCKET);
    const watch = await kv.watch({ key: 'portfolio_notional' });
    const watching = (async () => {
      for await (const e of watch) if (e.operation === 'PUT') states.push(JSON.parse(e.string()));
    })();
    const results = await Promise.all(['0/3', '1/3', '2/3'].map(daemon));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    watch.stop();
    await watching;
    const summaries = ['0-3', '1-3', '2-3'].map((s) =>
      JSON.parse(readFileSync(join(dir, s, 'summary.json'), 'utf8')),
    );
    // Every reservation the key ever recorded sums to at most the limit.
    expect(states.length).toBeGreaterThan(6);
    for (const s of states) expect(reservedTotal(s)).toBeLessThanOrEqual(LIMIT_USD);
    const peakHeld = Math.max(...states.map(reservedTotal));
    for (const s of summaries) {
      expect(s.orders.sent).toBeGreaterThan(0);
      // A daemon's exposure never passed the most it held.
      const held = Math.max(...states.map((x) => x.held[`shard-${s.cluster.shard}`] ?? 0));
      expect(s.cluster.budget.exposure_max_usd).toBeLessThanOrEqual(held);
    }
    // The budget bound: orders were refused for it, and nearly all of it was handed out.
    expect(summaries.reduce((a, s) => a + s.cluster.budget.refused_orders, 0)).toBeGreaterThan(0);
    expect(peakHeld).toBeGreaterThan(LIMIT_USD - CHUNK_USD);
    console.log(
      `cluster budget: ${states.length} states, peak held ${peakHeld} of ${LIMIT_USD}; ` +
        summaries
          .map(
            (s) =>
              `${s.cluster.shard}: exposure max ${Math.round(s.cluster.budget.exposure_max_usd)}, refused ${s.cluster.budget.refused_orders}, refills ${s.cluster.budget.refills}`,
          )
          .join('; '),
    );
  } finally {
    await client.close();
  }
}, 120_000);
