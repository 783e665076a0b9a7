/**
 * One daemon's connection to the cluster's NATS JetStream: the connection, the JetStream client
 * and manager, and the KV buckets the cluster keeps its shared state in (docs/cluster.md).
 * Everything here is off the hot path: the order path only reads local allowances.
 */
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';

/** Replicas of every bucket and stream: survives losing one node of three. */
export const CLUSTER_REPLICAS = 3;
const READY_TIMEOUT_MS = 20_000;
/** JetStream API calls wait this long: creating an R3 stream on a new cluster can take seconds. */
const API_TIMEOUT_MS = 15_000;

export interface ClusterClient {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** Opens (creating if needed) a replicated KV bucket. */
  bucket(name: string, opts?: { ttlMs?: number; history?: number }): Promise<KV>;
  close(): Promise<void>;
}

/** `nats://a,nats://b` (a flag or config value) -> the URLs; empty text -> none. */
export function parseServers(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Connects to `servers` and waits until JetStream answers (a new cluster elects its meta leader
 * first). `replicas` is CLUSTER_REPLICAS unless the cluster is smaller.
 */
export async function connectCluster(
  servers: string[],
  opts: { name?: string; replicas?: number } = {},
): Promise<ClusterClient> {
  const nc = await connect({ servers, name: opts.name, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  const problem = serverProblem(nc.info?.version ?? '0.0.0');
  if (problem !== null) {
    await nc.close();
    throw new Error(problem);
  }
  const jsm = await waitForJetStream(nc);
  const js = jetstream(nc, { timeout: API_TIMEOUT_MS });
  const kvm = new Kvm(js);
  const replicas = opts.replicas ?? CLUSTER_REPLICAS;
  return {
    nc,
    js,
    jsm,
    bucket: (name, b = {}) =>
      untilPlaced(() =>
        // Reads from the stream leader, not any replica: a compare-and-set loop then never reads
        // a value older than its own last write.
        kvm.create(name, { replicas, history: b.history ?? 1, ttl: b.ttlMs ?? 0, allow_direct: false }),
      ),
    close: () => nc.close(),
  };
}

/**
 * Why a server version cannot hold the cluster's invariants, or null. Before 2.9.21 a clustered
 * stream checked a publish's expected last subject sequence outside its Raft proposal, so two
 * concurrent compare-and-set writes could both succeed (nats-server#4320, fixed by #4319): seen
 * here on Debian 12's 2.9.10 as three daemons reserving 1,049,595 of a 1,000,000 budget.
 */
export function serverProblem(version: string): string | null {
  const [major, minor, patch] = version.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const ok = major > 2 || (major === 2 && (minor > 9 || (minor === 9 && patch >= 21)));
  return ok
    ? null
    : `nats-server ${version} lets concurrent compare-and-set writes both succeed (nats-server#4320, ` +
        'fixed in 2.9.21): the budget and lease invariants would not hold; use nats-server >= 2.10 ' +
        '(Debian 13 ships 2.10.27)';
}

/**
 * Runs `create` (a replicated stream or bucket) until the cluster can place it: a cluster that has
 * just elected its meta leader may not know all its peers yet ("no suitable peers for placement"),
 * and several daemons creating one bucket at once can see the API time out while it is placed.
 */
export async function untilPlaced<T>(create: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      return await create();
    } catch (err) {
      if (!/no suitable peers|timeout/i.test((err as Error).message) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function waitForJetStream(nc: NatsConnection): Promise<JetStreamManager> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const jsm = await jetstreamManager(nc, { timeout: API_TIMEOUT_MS });
      await jsm.getAccountInfo();
      return jsm;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`cluster: JetStream did not answer in ${READY_TIMEOUT_MS} ms: ${(last as Error)?.message}`);
}
