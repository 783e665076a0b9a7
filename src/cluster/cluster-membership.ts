/**
 * One daemon's membership of the cluster for a run: it holds its shard's lease (or refuses to
 * start), watches the halt key, and says when either should stop its trading. The daemon maps
 * both onto its kill switch (src/main/daemon-cluster.ts). Off the hot path: nothing here runs
 * per order.
 */
import type { KV } from '@nats-io/kv';
import { type ClusterClient, connectCluster } from './cluster-client.js';
import { CONTROL_BUCKET, type HaltState, watchHalt } from './halt-switch.js';
import { LEASE_BUCKET, leaseHolder, ShardLease } from './shard-lease.js';
import { type Shard, shardKey } from './shard-of.js';

export interface MembershipEvents {
  /** The halt key was set (true) or cleared (false); `seenAfterMs`: how long after it was written. */
  onHalt(halted: boolean, reason: string, seenAfterMs: number): void;
  /** This daemon lost its shard's lease: it must stop trading the shard at once. */
  onLeaseLost(reason: string): void;
}

export interface MembershipSummary {
  servers: string[];
  shard: string;
  owner: string;
  lease: 'held' | 'lost' | 'released';
  lease_lost_reason: string | null;
  /** The last halt seen: its reason and how long after it was written this daemon saw it. */
  halt: { halted: boolean; reason: string; seen_after_ms: number } | null;
}

/** The shard is held by a live daemon: a usage problem the user must resolve (exit 2). */
export class ShardTakenError extends Error {
  override readonly name = 'ShardTakenError';
}

export class ClusterMembership {
  private lastHalt: MembershipSummary['halt'] = null;
  private lostReason: string | null = null;
  private released = false;

  private constructor(
    private readonly client: ClusterClient,
    private readonly lease: ShardLease,
    private readonly stopHaltWatch: () => void,
    readonly servers: string[],
    readonly shard: Shard,
  ) {}

  /**
   * Connects, takes the shard's lease (waiting up to two ttls for a dead holder's to expire;
   * ShardTakenError if a live daemon keeps it), then watches the halt key.
   */
  static async join(
    servers: string[],
    shard: Shard,
    owner: string,
    leaseTtlMs: number,
    events: MembershipEvents,
  ): Promise<ClusterMembership> {
    const client = await connectCluster(servers, { name: owner });
    try {
      const leases = await client.bucket(LEASE_BUCKET, { ttlMs: leaseTtlMs });
      let member: ClusterMembership | null = null;
      const lease = new ShardLease(leases, shardKey(shard), owner, leaseTtlMs, (reason) => {
        if (member !== null) member.lostReason = reason;
        events.onLeaseLost(reason);
      });
      await takeLease(lease, leases, shard, 2 * leaseTtlMs);
      const control: KV = await client.bucket(CONTROL_BUCKET);
      const seen = (s: HaltState, seenAfterMs: number) => {
        if (member !== null) member.lastHalt = { ...s, seen_after_ms: seenAfterMs };
        events.onHalt(s.halted, s.reason, seenAfterMs);
      };
      const stopHaltWatch = await watchHalt(control, seen);
      member = new ClusterMembership(client, lease, stopHaltWatch, servers, shard);
      return member;
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
  }

  /** The membership's connection, for the cluster's other shared state (the budget). */
  get connection(): ClusterClient {
    return this.client;
  }

  summary(): MembershipSummary {
    return {
      servers: this.servers,
      shard: `${this.shard.index}/${this.shard.count}`,
      owner: this.lease.owner,
      lease: this.released ? 'released' : this.lostReason !== null ? 'lost' : 'held',
      lease_lost_reason: this.lostReason,
      halt: this.lastHalt,
    };
  }

  /** Gives the shard up and disconnects (the end of the run); a second call does nothing. */
  async leave(): Promise<void> {
    if (this.released) return;
    this.stopHaltWatch();
    await this.lease.release();
    this.released = true;
    await this.client.close().catch(() => undefined);
  }
}

/** How long a daemon keeps asking a cluster that does not answer (several daemons starting at once on a new cluster). */
const UNANSWERED_WAIT_MS = 30_000;

async function takeLease(lease: ShardLease, kv: KV, shard: Shard, waitMs: number): Promise<void> {
  const startMs = Date.now();
  let failure: Error | null = null;
  for (;;) {
    try {
      if (await lease.acquire()) return;
      failure = null;
    } catch (err) {
      // The cluster did not answer (an election, a node starting): try again until the deadline.
      failure = err as Error;
    }
    const waited = Date.now() - startMs;
    if (failure === null ? waited >= waitMs : waited >= UNANSWERED_WAIT_MS) {
      if (failure !== null)
        throw new Error(
          `cluster: could not take shard ${shard.index}/${shard.count}'s lease: ${failure.message}`,
        );
      const holder = await leaseHolder(kv, shardKey(shard));
      throw new ShardTakenError(
        `shard ${shard.index}/${shard.count} is held by ${holder?.owner ?? 'another daemon'}; ` +
          'stop it or pick another --shard',
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
