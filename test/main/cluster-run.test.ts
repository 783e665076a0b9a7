/**
 * `hft run --cluster --shard` on a real 3-node NATS JetStream cluster (nats-server processes on
 * 127.0.0.1): two daemons trade disjoint shards of the symbols, a third daemon asking for a shard
 * already held is refused at start (exit 2, one line), and a halt written to the cluster stops
 * both running daemons' trading within 100 ms.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/cluster-client.js';
import { CONTROL_BUCKET, clearHalt, setHalt } from '../../src/cluster/halt-switch.js';
import { LocalNatsCluster } from '../../src/cluster/local-nats-cluster.js';
import { LEASE_BUCKET, leaseHolder } from '../../src/cluster/shard-lease.js';
import { shardSymbols } from '../../src/cluster/shard-of.js';

const HFT = resolve(import.meta.dirname, '../../bin/hft.js');
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'META'];
const LEASE_TTL_MS = 1000;
let cluster: LocalNatsCluster;
const dir = mkdtempSync(join(tmpdir(), 'hft-cluster-run-'));
const config = join(dir, 'cluster.yaml');

beforeAll(async () => {
  cluster = await LocalNatsCluster.start(3);
  writeFileSync(config, `cluster:\n  lease_ttl_ms: ${LEASE_TTL_MS}\n`);
}, 60_000);
afterAll(() => cluster?.close());

function args(shard: string, durationS: number, report = shard.replace('/', '-')): string[] {
  return [
    ...[HFT, 'run', '--mode', 'fast', '--pipeline', 'inline', '--config', config],
    ...['--duration', String(durationS), '--skip-backtest', '--no-record', '--metrics-port', '0'],
    ...['--log-level', 'quiet', '--symbols', SYMBOLS.join(','), '--cluster', cluster.servers.join(',')],
    ...['--shard', shard, '--report', join(dir, report)],
  ];
}

function exited(p: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  p.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((r) => p.on('exit', (code) => r({ code, stderr })));
}

const summaryOf = (shard: string) =>
  JSON.parse(readFileSync(join(dir, shard.replace('/', '-'), 'summary.json'), 'utf8'));

it('two daemons trade disjoint shards, a third on a held shard is refused, a halt stops both within 100 ms', async () => {
  const client = await connectCluster(cluster.servers);
  try {
    const a = exited(spawn(process.execPath, args('0/2', 14), { stdio: ['ignore', 'ignore', 'pipe'] }));
    const b = exited(spawn(process.execPath, args('1/2', 14), { stdio: ['ignore', 'ignore', 'pipe'] }));
    const leases = await client.bucket(LEASE_BUCKET, { ttlMs: LEASE_TTL_MS });
    for (let i = 0; i < 200 && !((await leaseHolder(leases, 0)) && (await leaseHolder(leases, 1))); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await leaseHolder(leases, 0))?.owner).toMatch(/:\d+$/);
    // A third daemon on shard 0/2 waits two lease ttls for the holder to go, then gives up.
    const third = spawnSync(process.execPath, args('0/2', 2, 'third'), { encoding: 'utf8', timeout: 60_000 });
    expect(third.status).toBe(2);
    expect(third.stderr.trim().split('\n')).toHaveLength(1);
    expect(third.stderr).toMatch(/^hft: shard 0\/2 is held by .+:\d+; stop it or pick another --shard/);
    await new Promise((r) => setTimeout(r, 1500)); // both trade a while
    const control = await client.bucket(CONTROL_BUCKET);
    await setHalt(control, 'test: global loss breaker');
    const [ra, rb] = await Promise.all([a, b]);
    expect([ra.code, rb.code], `${ra.stderr}\n${rb.stderr}`).toEqual([0, 0]);
    const [sa, sb] = [summaryOf('0/2'), summaryOf('1/2')];
    expect(sa.symbols).toEqual(shardSymbols(SYMBOLS, { index: 0, count: 2 }));
    expect(sb.symbols).toEqual(shardSymbols(SYMBOLS, { index: 1, count: 2 }));
    expect([...sa.symbols, ...sb.symbols].sort()).toEqual([...SYMBOLS].sort());
    for (const s of [sa, sb]) {
      expect(s.orders.sent).toBeGreaterThan(0);
      expect(s.cluster.lease).toBe('released');
      expect(s.cluster.halt).toMatchObject({ halted: true, reason: 'test: global loss breaker' });
      // The halt reached the daemon's kill switch within 100 ms of being written ...
      expect(s.cluster.halt.seen_after_ms).toBeLessThan(100);
      // ... and the strategy's orders after it were refused by risk: trading had stopped.
      expect(s.risk.rejections.halted).toBeGreaterThan(0);
    }
    await clearHalt(control);
  } finally {
    await client.close();
  }
}, 120_000);
