/**
 * `hft run --cluster --shard` daemons (inline topology, child processes) on one real 3-node NATS
 * JetStream cluster (nats-server processes on 127.0.0.1), one scenario after another:
 * disjoint shards, a held shard refused, a halt within 100 ms; a global budget never exceeded;
 * the journal on the replicated stream, `--recover cluster`, and a `kill -9` of a shard's owner.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterClient, connectCluster } from '../../src/cluster/cluster-client.js';
import { BUDGET_BUCKET, type BudgetState, reservedTotal } from '../../src/cluster/global-budget.js';
import { CONTROL_BUCKET, clearHalt, setHalt } from '../../src/cluster/halt-switch.js';
import { lastRunJournal } from '../../src/cluster/journal-shipper.js';
import {
  ensureJournalStream,
  JOURNAL_STREAM,
  journalSubject,
  readShard,
} from '../../src/cluster/journal-stream.js';
import { LocalNatsCluster } from '../../src/cluster/local-nats-cluster.js';
import { LEASE_BUCKET, leaseHolder } from '../../src/cluster/shard-lease.js';
import { shardSymbols } from '../../src/cluster/shard-of.js';
import { JOURNAL_RECORD_BYTES } from '../../src/execution/journal-file.js';
import { replayJournal } from '../../src/execution/journal-replay.js';
import { primitivesSuite } from './cluster-primitives.js';
import { type DaemonOptions, daemonArgs, HFT, startDaemon, summaryOf } from './daemon-fixture.js';
import { takeoverSuite } from './takeover-scenario.js';

/** Long enough that a daemon on a loaded 2-core machine renews in time. */
const LEASE_TTL_MS = 3000;
let cluster: LocalNatsCluster;
const dir = mkdtempSync(join(tmpdir(), 'hft-cluster-daemons-'));

beforeAll(async () => {
  cluster = await LocalNatsCluster.start(3);
}, 120_000);
afterAll(() => cluster?.close());

// The primitives first, on the same cluster (two clusters in one run did not always form in CI).
primitivesSuite(() => cluster);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `hft cluster status --json`, parsed. */
function status() {
  const r = spawnSync(
    process.execPath,
    [HFT, 'cluster', 'status', '--cluster', cluster.servers.join(','), '--json'],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** Messages on a shard's journal subject so far (the header is the first). */
async function shardMessages(client: ClusterClient, key: string): Promise<number> {
  const info = await client.jsm.streams.info(JOURNAL_STREAM, { subjects_filter: journalSubject(key) });
  return info.state.subjects?.[journalSubject(key)] ?? 0;
}

function configFile(name: string, lines: string[]): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [...lines, 'cluster:', `  lease_ttl_ms: ${LEASE_TTL_MS}`, ''].join('\n'));
  return file;
}

function options(o: Omit<DaemonOptions, 'servers' | 'report'> & { name: string }): DaemonOptions {
  return { ...o, servers: cluster.servers, report: join(dir, o.name) };
}

describe('daemons on one cluster', () => {
  it('trade disjoint shards; a third on a held shard is refused; a halt stops both within 100 ms', async () => {
    const symbols = ['AAPL', 'MSFT', 'NVDA', 'META'];
    const config = configFile('shards', []);
    const run = (shard: string, durationS: number, name: string) =>
      options({ shard, symbols, durationS, config, name });
    const client = await connectCluster(cluster.servers);
    try {
      const a = startDaemon(run('0/2', 20, 'a'));
      const b = startDaemon(run('1/2', 20, 'b'));
      const leases = await client.bucket(LEASE_BUCKET, { ttlMs: LEASE_TTL_MS });
      for (
        let i = 0;
        i < 300 && !((await leaseHolder(leases, '0-of-2')) && (await leaseHolder(leases, '1-of-2')));
        i++
      )
        await sleep(100);
      // A third daemon on shard 0/2 waits two lease ttls for the holder to go, then gives up.
      const third = spawnSync(process.execPath, daemonArgs(run('0/2', 2, 'third')), {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(third.status, third.stderr).toBe(2);
      expect(third.stderr.trim().split('\n')).toHaveLength(1);
      expect(third.stderr).toMatch(/^hft: shard 0\/2 is held by .+:\d+; stop it or pick another --shard/);
      // Both trade: each shard's journal stream has records past its header (startup, the lease,
      // the cluster's buckets and stream can take seconds on a loaded machine).
      await ensureJournalStream(client.jsm);
      for (let i = 0; i < 300; i++) {
        const seqs = await Promise.all(['0-of-2', '1-of-2'].map((k) => shardMessages(client, k)));
        if (seqs.every((n) => n >= 3)) break;
        await sleep(100);
      }
      await sleep(500);
      // `hft cluster status` sees both shards held, each by its daemon, and their reservations.
      const before = status();
      expect(before.shards.map((x: { shard: string }) => x.shard)).toEqual(['0-of-2', '1-of-2']);
      expect(before.halt.halted).toBe(false);
      expect(before.budget.reserved_usd).toBeGreaterThan(0);
      expect(Object.keys(before.budget.by_shard).sort()).toEqual(['shard-0/2', 'shard-1/2']);
      const control = await client.bucket(CONTROL_BUCKET);
      await setHalt(control, 'test: global loss breaker');
      expect(status().halt).toEqual({ halted: true, reason: 'test: global loss breaker' });
      const [ra, rb] = await Promise.all([a.exit, b.exit]);
      expect([ra.code, rb.code], `${ra.stderr}\n${rb.stderr}`).toEqual([0, 0]);
      const [sa, sb] = [summaryOf(join(dir, 'a')), summaryOf(join(dir, 'b'))];
      // Each pipeline carries every symbol; risk traded only its shard's (the others on standby).
      expect(sa.symbols).toEqual(symbols);
      expect(sa.cluster.symbols).toEqual(shardSymbols(symbols, { index: 0, count: 2 }));
      expect(sb.cluster.symbols).toEqual(shardSymbols(symbols, { index: 1, count: 2 }));
      expect(sa.risk.rejections.shard_not_owned).toBeGreaterThan(0);
      for (const [s, r] of [
        [sa, ra],
        [sb, rb],
      ] as const) {
        expect(
          s.orders.sent,
          `${r.stderr}\n${JSON.stringify({ orders: s.orders, cluster: s.cluster })}`,
        ).toBeGreaterThan(0);
        expect(s.cluster.lease).toBe('released');
        expect(s.cluster.halt).toMatchObject({ halted: true, reason: 'test: global loss breaker' });
        // The halt reached the daemon's kill switch within 100 ms of being written, and the
        // strategy's orders after it were refused by risk: trading had stopped.
        expect(s.cluster.halt.seen_after_ms).toBeLessThan(100);
        expect(s.risk.rejections.halted).toBeGreaterThan(0);
      }
      await clearHalt(control);
    } finally {
      await client.close();
    }
  }, 120_000);

  it('three daemons never hold more than the global budget, and none trades past what it holds', async () => {
    const symbols = ['AAPL', 'GOOGL', 'AMZN', 'MSFT'];
    const limit = 150_000;
    const chunk = 25_000;
    const config = configFile('budget', [
      'trading:',
      '  max_portfolio_value: 100000000',
      '  max_position_size: 100000',
    ]);
    writeFileSync(
      config,
      `${readFileSync(config, 'utf8')}  max_portfolio_value: ${limit}\n  budget_chunk_usd: ${chunk}\n`,
    );
    // The cluster's budget is set by the first daemon that finds none: clear the one the
    // daemons above left (their positions' reservations), as an operator resetting the cluster would.
    const setup = await connectCluster(cluster.servers);
    await (await setup.bucket(BUDGET_BUCKET)).purge('portfolio_notional');
    await setup.close();
    for (let i = 0; i < 3; i++)
      expect(shardSymbols(symbols, { index: i, count: 3 }).length).toBeGreaterThan(0);
    const client = await connectCluster(cluster.servers);
    const states: BudgetState[] = [];
    try {
      const kv = await client.bucket(BUDGET_BUCKET);
      const watch = await kv.watch({ key: 'portfolio_notional' });
      const watching = (async () => {
        for await (const e of watch) if (e.operation === 'PUT') states.push(JSON.parse(e.string()));
      })();
      const names = ['b0', 'b1', 'b2'];
      const runs = names.map((name, i) =>
        startDaemon(options({ shard: `${i}/3`, symbols, durationS: 8, config, name })),
      );
      const results = await Promise.all(runs.map((r) => r.exit));
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      watch.stop();
      await watching;
      const summaries = names.map((n) => summaryOf(join(dir, n)));
      // Every reservation the key ever recorded sums to at most the limit.
      expect(states.length).toBeGreaterThan(6);
      for (const s of states) {
        expect(s.limit, JSON.stringify(states.slice(0, 4))).toBe(limit);
        expect(reservedTotal(s)).toBeLessThanOrEqual(limit);
      }
      for (const s of summaries) {
        expect(s.orders.sent).toBeGreaterThan(0);
        // A daemon's exposure never passed the most it held.
        const held = Math.max(...states.map((x) => x.held[`shard-${s.cluster.shard}`] ?? 0));
        expect(s.cluster.budget.exposure_max_usd).toBeLessThanOrEqual(held);
      }
      // The budget bound: orders were refused for it, and nearly all of it was handed out.
      expect(summaries.reduce((a, s) => a + s.cluster.budget.refused_orders, 0)).toBeGreaterThan(0);
      expect(Math.max(...states.map(reservedTotal))).toBeGreaterThan(limit - chunk);
    } finally {
      await client.close();
    }
  }, 120_000);

  it('ships the journal byte for byte, recovers from it, and survives a kill -9 of the shard owner', async () => {
    const config = configFile('journal', []);
    const run = (name: string, durationS: number, recover = false) =>
      options({ shard: '0/1', symbols: ['AAPL', 'MSFT'], durationS, config, name, recover });
    const streamJournal = async () => {
      const c = await connectCluster(cluster.servers);
      try {
        return Buffer.from(lastRunJournal(await readShard(c.js, c.jsm, '0-of-1')) ?? new Uint8Array());
      } finally {
        await c.close();
      }
    };
    const journalOf = (name: string) => readFileSync(join(dir, name, 'journal.hftj'));
    const records = (b: Buffer) => (b.length - b.indexOf(10) - 1) / JOURNAL_RECORD_BYTES;
    // A clean run: its journal reaches the stream whole.
    const a = await startDaemon(run('ja', 4)).exit;
    expect(a.code, a.stderr).toBe(0);
    const fileA = journalOf('ja');
    expect(records(fileA)).toBeGreaterThan(50);
    expect((await streamJournal()).equals(fileA)).toBe(true);
    expect(summaryOf(join(dir, 'ja')).cluster.journal_stream).toMatchObject({
      unshipped_bytes: 0,
      error: null,
    });
    // The next owner of the shard starts from what the stream says: A's positions and open orders.
    const b = await startDaemon(run('jb', 2, true)).exit;
    expect(b.code, b.stderr).toBe(0);
    const fromFile = replayJournal(join(dir, 'ja', 'journal.hftj'));
    const [recovered] = summaryOf(join(dir, 'jb')).cluster.adopted;
    expect(recovered.records).toBe(fromFile.records);
    expect(recovered.positions).toEqual(fromFile.positions.filter((p) => p.qty !== 0 || p.realized !== 0));
    expect(recovered.open_orders).toEqual(fromFile.openOrders);
    // kill -9 of the owner mid-run: the next daemon waits out the lease, then rebuilds from the stream.
    const c = startDaemon(run('jc', 30));
    await sleep(6000);
    c.child.kill('SIGKILL');
    expect((await c.exit).signal).toBe('SIGKILL');
    const streamed = await streamJournal();
    const fileC = journalOf('jc');
    // What reached the stream is the file's beginning, in order, nothing twice, at most a moment behind.
    expect(records(streamed)).toBeGreaterThan(0);
    expect(streamed.equals(fileC.subarray(0, streamed.length))).toBe(true);
    expect(fileC.length - streamed.length).toBeLessThan(64 * JOURNAL_RECORD_BYTES);
    const d = await startDaemon(run('jd', 2, true)).exit;
    expect(d.code, d.stderr).toBe(0);
    const sd = summaryOf(join(dir, 'jd'));
    expect(sd.cluster.adopted[0].records).toBe(records(streamed));
    expect(sd.cluster.lease).toBe('released');
  }, 180_000);

  takeoverSuite(
    () => cluster,
    dir,
    (name) => configFile(name, []),
  );
});
