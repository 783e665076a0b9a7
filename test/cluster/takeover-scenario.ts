/**
 * Takeover mid-run (issue 14): three daemons on shards 0/3, 1/3, 2/3; `kill -9` of one; another
 * running daemon takes its shard once the lease expires, rebuilds the shard's positions and open
 * orders from its journal stream, and trades it. Run on the daemons' cluster by
 * cluster-daemons.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/cluster-client.js';
import { BUDGET_BUCKET, type BudgetState, reservedTotal } from '../../src/cluster/global-budget.js';
import { ensureJournalStream, JOURNAL_STREAM, journalSubject } from '../../src/cluster/journal-stream.js';
import type { LocalNatsCluster } from '../../src/cluster/local-nats-cluster.js';
import { LEASE_BUCKET, leaseHolder } from '../../src/cluster/shard-lease.js';
import { shardSymbols } from '../../src/cluster/shard-of.js';
import { JOURNAL_RECORD_BYTES, JournalReader } from '../../src/execution/journal-file.js';
import { replayJournal } from '../../src/execution/journal-replay.js';
import { ADOPTED_ORDER, JournalCodec, JournalKind } from '../../src/shm/records.js';
import { startDaemon, summaryOf } from './daemon-fixture.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface JournalFacts {
  /** Orders this run approved itself, and those it re-opened from an adopted shard. */
  approved: number[];
  adopted: number[];
  cancelRequests: number[];
  /** Orders that ended (cancel, venue reject, expiry) or filled. */
  ended: Set<number>;
  /** Symbol ids (one registry for every daemon) of the orders it approved itself. */
  symbols: Set<number>;
}

function journalFacts(path: string): JournalFacts {
  const reader = new JournalReader(path);
  const r = JournalCodec.create();
  const f: JournalFacts = {
    approved: [],
    adopted: [],
    cancelRequests: [],
    ended: new Set(),
    symbols: new Set(),
  };
  try {
    while (reader.next(r)) {
      if (r.kind === JournalKind.approved && r.reason !== ADOPTED_ORDER) f.symbols.add(r.symbolId);
      if (r.kind === JournalKind.approved)
        (r.reason === ADOPTED_ORDER ? f.adopted : f.approved).push(r.clientOrderId);
      else if (r.kind === JournalKind.cancelRequest) f.cancelRequests.push(r.clientOrderId);
      else if (r.kind >= JournalKind.venueReject && r.kind <= JournalKind.expired)
        f.ended.add(r.clientOrderId);
      else if (r.kind === JournalKind.fill && r.leavesQty === 0) f.ended.add(r.clientOrderId);
    }
  } finally {
    reader.close();
  }
  return f;
}

export function takeoverSuite(
  cluster: () => LocalNatsCluster,
  dir: string,
  config: (name: string) => string,
): void {
  it('kill -9 of a daemon: a running one takes its shard over from the stream, nothing lost or sent twice', async () => {
    const symbols = ['AAPL', 'GOOGL', 'AMZN', 'MSFT'];
    const servers = cluster().servers;
    const client = await connectCluster(servers);
    const states: BudgetState[] = [];
    try {
      const kv = await client.bucket(BUDGET_BUCKET);
      await kv.purge('portfolio_notional'); // the scenario before left its positions' reservations
      const watch = await kv.watch({ key: 'portfolio_notional' });
      const watching = (async () => {
        for await (const e of watch) if (e.operation === 'PUT') states.push(JSON.parse(e.string()));
      })();
      const shipped = (k: string) =>
        client.jsm.streams.info(JOURNAL_STREAM, { subjects_filter: journalSubject(k) }).then(
          (i) => i.state.subjects?.[journalSubject(k)] ?? 0,
          () => 0,
        );
      const keys = ['0-of-3', '1-of-3', '2-of-3'];
      await ensureJournalStream(client.jsm);
      const before = await Promise.all(keys.map(shipped));
      const cfg = config('takeover');
      const names = ['t0', 't1', 't2'];
      const runs = names.map((name, i) =>
        startDaemon({
          servers,
          shard: `${i}/3`,
          symbols,
          durationS: 24,
          config: cfg,
          report: join(dir, name),
        }),
      );
      const leases = await client.bucket(LEASE_BUCKET, { ttlMs: 3000 }); // first to create it sets the ttl
      const holder = (k: string) => leaseHolder(leases, k).catch(() => null);
      // All three trade: each shard's journal subject has records past what the budget scenario
      // (the same shards) left, and each holds its lease.
      for (let i = 0; i < 600; i++) {
        const n = await Promise.all(keys.map(shipped));
        const held = await Promise.all(keys.map(holder));
        if (n.every((x, k) => x >= before[k] + 3) && !held.includes(null)) break;
        await sleep(100);
      }
      const dead = (await holder('1-of-3'))?.owner;
      const early = await Promise.race([runs[1].exit, sleep(10).then(() => null)]);
      expect(dead, `shard 1/3's daemon is not trading: ${early?.stderr}`).toBeDefined();
      await sleep(4000);
      runs[1].child.kill('SIGKILL');
      const killedAt = Date.now();
      expect((await runs[1].exit).signal).toBe('SIGKILL');
      let taker: string | undefined;
      for (let i = 0; i < 200 && taker === undefined; i++) {
        const h = await holder('1-of-3');
        if (h !== null && h.owner !== dead) taker = h.owner;
        else await sleep(100);
      }
      const takenAfterMs = Date.now() - killedAt;
      const results = await Promise.all([runs[0].exit, runs[2].exit]);
      expect(taker, `nobody took shard 1/3 over: ${results.map((r) => r.stderr).join('\n')}`).toBeDefined();
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      watch.stop();
      await watching;
      const [s0, s2] = [summaryOf(join(dir, 't0')), summaryOf(join(dir, 't2'))];
      const takerIndex = s0.cluster.adopted.length > 0 ? 0 : 2;
      const st = takerIndex === 0 ? s0 : s2;
      expect(st.cluster.owner).toBe(taker);
      expect(st.cluster.adopted).toHaveLength(1);
      expect((takerIndex === 0 ? s2 : s0).cluster.adopted).toHaveLength(0);
      const adopted = st.cluster.adopted[0];
      expect(adopted).toMatchObject({ shard: '1-of-3', from: dead });
      // It trades the shard now: its symbols and its own.
      expect(st.cluster.symbols).toEqual(
        symbols.filter((s) =>
          [takerIndex, 1].some((k) => shardSymbols([s], { index: k, count: 3 }).length > 0),
        ),
      );
      // What it rebuilt is the dead daemon's journal up to what reached the stream (a moment behind).
      const deadFile = readFileSync(join(dir, 't1', 'journal.hftj'));
      expect(adopted.bytes).toBeGreaterThan(0);
      expect(deadFile.length - adopted.bytes).toBeLessThan(64 * JOURNAL_RECORD_BYTES);
      const prefix = join(dir, 'dead-shipped.hftj');
      writeFileSync(prefix, deadFile.subarray(0, adopted.bytes));
      const fromStream = replayJournal(prefix);
      const own = shardSymbols(symbols, { index: 1, count: 3 });
      expect(adopted.records).toBe(fromStream.records);
      expect(adopted.positions).toEqual(
        fromStream.positions.filter((p) => own.includes(p.symbol) && (p.qty !== 0 || p.realized !== 0)),
      );
      expect(adopted.open_orders).toEqual(fromStream.openOrders.filter((o) => own.includes(o.symbol)));
      // No order sent twice: every id approved once across the three runs; adopted orders are the
      // dead daemon's, each cancelled once by the taker and ended.
      const facts = names.map((n) => journalFacts(join(dir, n, 'journal.hftj')));
      const approved = facts.flatMap((f) => f.approved);
      expect(new Set(approved).size).toBe(approved.length);
      const takerFacts = facts[takerIndex];
      expect(takerFacts.adopted.sort()).toEqual(
        adopted.open_orders.map((o: { clientOrderId: number }) => o.clientOrderId).sort(),
      );
      for (const id of takerFacts.adopted) {
        expect(facts[1].approved).toContain(id);
        expect(takerFacts.cancelRequests.filter((x) => x === id)).toHaveLength(1);
        expect(takerFacts.ended.has(id)).toBe(true);
      }
      // It traded the adopted symbols (on standby before the takeover, so only after it).
      for (const sym of own) expect(takerFacts.symbols.has(symbols.indexOf(sym)), sym).toBe(true);
      // Positions equal the taker's journal (its own fills, the seeds, the fills after).
      const takerJournal = replayJournal(join(dir, names[takerIndex], 'journal.hftj'));
      for (const p of takerJournal.positions) expect(st.positions[p.symbol]).toBeCloseTo(p.qty, 6);
      // The shard's reservation moved to the taker once, and the budget never passed its limit.
      for (const s of states) expect(reservedTotal(s)).toBeLessThanOrEqual(s.limit);
      expect(states.at(-1)?.held['shard-1/3']).toBeUndefined();
      console.log(
        `takeover: shard 1/3 taken ${takenAfterMs} ms after kill -9 (lease ttl 3000), adoption took ${adopted.took_ms} ms, ` +
          `${adopted.records} records, ${adopted.open_orders.length} open orders, ${adopted.budget_moved_usd} USD moved; ` +
          `taker's journal ${takerJournal.records} records`,
      );
    } finally {
      await client.close();
    }
  }, 150_000);
}
