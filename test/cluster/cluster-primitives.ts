/**
 * The cluster's shared state on a real 3-node NATS JetStream cluster (nats-server processes on
 * 127.0.0.1): shard leases, global budget allowances, the halt key, and the per-shard journal
 * stream (idempotent resends, zombie fencing, losing the stream leader). Declared into the one
 * cluster test file (cluster-daemons.test.ts), so the suite starts one cluster, not two.
 */
import type { KV } from '@nats-io/kv';
import { afterAll, describe, expect, it } from 'vitest';
import { type ClusterClient, connectCluster } from '../../src/cluster/cluster-client.js';
import {
  BUDGET_BUCKET,
  GlobalBudget,
  LocalAllowance,
  reservedTotal,
} from '../../src/cluster/global-budget.js';
import {
  CONTROL_BUCKET,
  clearHalt,
  type HaltState,
  setHalt,
  watchHalt,
} from '../../src/cluster/halt-switch.js';
import {
  ensureJournalStream,
  JOURNAL_STREAM,
  readShard,
  ShardJournalWriter,
  ZombieWriterError,
} from '../../src/cluster/journal-stream.js';
import type { LocalNatsCluster } from '../../src/cluster/local-nats-cluster.js';
import { leaseHolder, ShardLease } from '../../src/cluster/shard-lease.js';

/** The lease tests' own bucket (a shorter ttl than the daemons'). */
const TEST_LEASES = 'test-shard-leases';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Declares the primitives' tests on the cluster `getCluster` returns once it has started. */
export function primitivesSuite(getCluster: () => LocalNatsCluster): void {
  const clients: ClusterClient[] = [];
  const client = async (): Promise<ClusterClient> => {
    const c = await connectCluster(getCluster().servers);
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
  });
  describe('primitives', () => {
    primitiveTests(client, getCluster);
  });
}

function primitiveTests(client: () => Promise<ClusterClient>, getCluster: () => LocalNatsCluster): void {
  describe('shard leases', () => {
    it('one holder at a time; a dead holder is replaced after the ttl; a holder whose key was taken is told', async () => {
      const [a, b] = [await client(), await client()];
      const kvA = await a.bucket(TEST_LEASES, { ttlMs: 1500 });
      const kvB = await b.bucket(TEST_LEASES, { ttlMs: 1500 });
      const lost: string[] = [];
      const leaseA = new ShardLease(kvA, 7, 'daemon-a', 1500, (r) => lost.push(r));
      const leaseB = new ShardLease(kvB, 7, 'daemon-b', 1500, () => undefined);
      expect(await leaseA.acquire()).toBe(true);
      expect(await leaseB.acquire()).toBe(false);
      await sleep(2500); // A renews every 500 ms: it still holds the shard past its ttl
      expect(await leaseB.acquire()).toBe(false);
      expect((await leaseHolder(kvB, 7))?.owner).toBe('daemon-a');
      // A dies (its connection drops, renewals stop): B takes the shard once the lease expires.
      const died = Date.now();
      await a.close();
      expect(await leaseB.acquireWhenFree(100)).toBe(true);
      expect(Date.now() - died).toBeLessThan(1500 + 1500);
      expect((await leaseHolder(kvB, 7))?.owner).toBe('daemon-b');
      // Someone overwrites B's key: B's next renewal is refused and B is told it lost the shard.
      const lostB: string[] = [];
      const leaseC = new ShardLease(kvB, 8, 'daemon-b', 1500, (r) => lostB.push(r));
      expect(await leaseC.acquire()).toBe(true);
      await kvB.put('shard-8', 'intruder');
      await sleep(800);
      expect(lostB).toHaveLength(1);
      expect(leaseC.held).toBe(false);
      await leaseB.release();
      expect(await leaseHolder(kvB, 7)).toBeNull();
      // A, cut off, stopped counting itself the holder before its lease could expire.
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatch(/^lease not renewed for \d+ ms/);
      expect(leaseA.held).toBe(false);
    }, 30_000);
  });

  describe('global budget', () => {
    it('concurrent reservations from three daemons never sum past the limit; a dead one is freed explicitly', async () => {
      const cs = [await client(), await client(), await client()];
      const kvs = await Promise.all(cs.map((c) => c.bucket(BUDGET_BUCKET)));
      const budgets = kvs.map((kv) => new GlobalBudget(kv, 'notional'));
      await budgets[0].init(1_000_000);
      // Three daemons, each refilling one chunk after another, all at once.
      const grants = await Promise.all(
        budgets.map(async (b, who) => {
          let got = 0;
          for (let i = 0; i < 20; i++)
            got += await b.reserve(`d${who}`, 10_000 + ((i * 7919 + who) % 40_000));
          return got;
        }),
      );
      const granted = grants.reduce((x, y) => x + y, 0);
      const { state } = await budgets[1].read();
      expect(granted).toBe(1_000_000); // the asks add up to more than the limit: all of it is handed out
      expect(reservedTotal(state)).toBe(granted);
      expect(await budgets[2].reserve('d2', 1)).toBe(0);
      // One daemon dies: its reservation is freed only when asked (after its journal is replayed).
      const [dead, heldByDead] = Object.entries(state.held).sort((a, b) => b[1] - a[1])[0];
      expect(await budgets[1].releaseFor(dead)).toBe(heldByDead);
      expect(reservedTotal((await budgets[1].read()).state)).toBe(1_000_000 - heldByDead);
    }, 30_000);

    it('a local allowance checks without a round trip and refills in the background', async () => {
      const c = await client();
      const budget = new GlobalBudget(await c.bucket(BUDGET_BUCKET), 'open_orders');
      await budget.init(10);
      const local = new LocalAllowance(budget, 'd9', 4, 2);
      expect(local.tryUse(1)).toBe(false); // nothing granted yet: refused, and a refill starts
      await sleep(300);
      expect(local.granted).toBe(4);
      expect([local.tryUse(1), local.tryUse(1), local.tryUse(1)]).toEqual([true, true, true]);
      await sleep(300); // fell under 2 left: refilled by another chunk
      expect(local.granted).toBe(8);
    }, 30_000);
  });

  describe('halt key', () => {
    it('every watching daemon sees a halt within 100 ms, and a late watcher sees it at once', async () => {
      const cs = [await client(), await client(), await client()];
      const kvs: KV[] = await Promise.all(cs.map((c) => c.bucket(CONTROL_BUCKET)));
      await clearHalt(kvs[0]);
      const seenAt: number[] = [];
      const stops = await Promise.all(
        kvs.map((kv, i) =>
          watchHalt(kv, (s: HaltState) => {
            if (s.halted) seenAt[i] = Date.now();
          }),
        ),
      );
      await sleep(200);
      const t0 = Date.now();
      await setHalt(kvs[0], 'loss breaker');
      await sleep(300);
      expect(seenAt).toHaveLength(3);
      for (const t of seenAt) expect(t - t0).toBeLessThan(100);
      const late: HaltState[] = [];
      stops.push(await watchHalt(kvs[1], (s) => late.push(s)));
      await sleep(200);
      expect(late[0]).toEqual({ halted: true, reason: 'loss breaker' });
      for (const stop of stops) stop();
      await clearHalt(kvs[0]);
    }, 30_000);
  });

  describe('journal stream', () => {
    it('stores resends once, fences a zombie writer, and loses nothing when the stream leader dies', async () => {
      const c = await client();
      await ensureJournalStream(c.jsm);
      const writer = await ShardJournalWriter.open(c.js, c.jsm, 3);
      for (let n = 1; n <= 50; n++) await writer.append(n, bytes(`r${n}`));
      // A restarted worker sends 41..50 again: stored once.
      const resend = await ShardJournalWriter.open(c.js, c.jsm, 3);
      for (let n = 41; n <= 50; n++) await resend.append(n, bytes(`r${n}`));
      expect(resend.duplicates).toBe(10);
      // A zombie opened before the new owner wrote is refused on its first write.
      const zombie = await ShardJournalWriter.open(c.js, c.jsm, 3);
      await writer.append(51, bytes('r51'));
      await expect(zombie.append(52, bytes('zombie'))).rejects.toBeInstanceOf(ZombieWriterError);
      // Kill the stream's leader mid-stream: appends carry on (retried under the same ids).
      const info = await c.jsm.streams.info(JOURNAL_STREAM);
      const leader = getCluster().nodes.findIndex((n) => n.name === info.cluster?.leader);
      expect(leader).toBeGreaterThanOrEqual(0);
      getCluster().stop(leader);
      for (let n = 52; n <= 100; n++) await writer.append(n, bytes(`r${n}`));
      const records = (await readShard(c.js, c.jsm, 3)).map(text);
      expect(records).toEqual(Array.from({ length: 100 }, (_, i) => `r${i + 1}`));
      await getCluster().restart(leader);
    }, 120_000);
  });
}
