/**
 * Shard ownership as a lease in a KV bucket whose entries expire after `ttlMs`: a daemon takes a
 * shard by creating its key (refused while another holds it), keeps it by updating the key at
 * the revision it last wrote every ttl/3, and loses it the moment an update is refused (another
 * daemon took the shard after the lease expired: this one must stop trading it at once) or when
 * no renewal has succeeded for 2/3 of the ttl (it cannot reach the cluster, and another daemon
 * may take the shard once the ttl has run out: it stops before that). Two daemons therefore never
 * hold one shard: creation and update are compare-and-set on the replicated bucket.
 */
import type { KV } from '@nats-io/kv';

export const LEASE_BUCKET = 'hft-shard-leases';

export interface LeaseHolder {
  readonly owner: string;
  readonly revision: number;
}

export class ShardLease {
  private revision = 0;
  private renewedAtMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private lostReason: string | null = null;

  constructor(
    private readonly kv: KV,
    /** The shard's key (shard-of.ts `shardKey`). */
    readonly shard: string | number,
    readonly owner: string,
    readonly ttlMs: number,
    /** Called once when the lease is lost (a renewal refused or failing for a whole ttl). */
    private readonly onLost: (reason: string) => void,
  ) {}

  get key(): string {
    return `shard-${this.shard}`;
  }

  get held(): boolean {
    return this.revision > 0 && this.lostReason === null;
  }

  /**
   * Takes the shard if no live lease holds it; true when taken, false when another holds it.
   * Renews itself from then on. Any other failure (the cluster did not answer) is thrown.
   */
  async acquire(): Promise<boolean> {
    try {
      this.revision = await this.kv.create(this.key, this.owner);
    } catch (err) {
      if (/wrong last sequence|key exists/i.test((err as Error).message)) return false;
      throw err;
    }
    this.renewedAtMs = Date.now();
    this.lostReason = null;
    this.timer = setInterval(() => void this.renew(), Math.max(1, Math.floor(this.ttlMs / 3)));
    return true;
  }

  /** Tries every `pollMs` until the shard is free (its holder released it or died), then takes it. */
  async acquireWhenFree(pollMs: number, signal?: AbortSignal): Promise<boolean> {
    while (!signal?.aborted) {
      if (await this.acquire().catch(() => false)) return true;
      await new Promise((r) => setTimeout(r, pollMs));
    }
    return false;
  }

  private async renew(): Promise<void> {
    if (!this.held) return;
    try {
      this.revision = await this.kv.update(this.key, this.owner, this.revision);
      this.renewedAtMs = Date.now();
    } catch (err) {
      const message = (err as Error).message;
      if (/wrong last sequence/i.test(message)) this.lose(`lease taken over: ${message}`);
      else if (Date.now() - this.renewedAtMs >= (2 * this.ttlMs) / 3)
        this.lose(`lease not renewed for ${Date.now() - this.renewedAtMs} ms: ${message}`);
    }
  }

  private lose(reason: string): void {
    if (this.lostReason !== null) return;
    this.lostReason = reason;
    this.stopRenewing();
    this.onLost(reason);
  }

  private stopRenewing(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Gives the shard up (a clean stop): deletes the key at our revision so another may take it now. */
  async release(): Promise<void> {
    this.stopRenewing();
    if (!this.held) return;
    const revision = this.revision;
    this.revision = 0;
    await this.kv.delete(this.key, { previousSeq: revision }).catch(() => undefined);
  }
}

/** Who holds `shard` now, or null when nobody does. */
export async function leaseHolder(kv: KV, shard: string | number): Promise<LeaseHolder | null> {
  const e = await kv.get(`shard-${shard}`);
  if (e === null || e.operation !== 'PUT') return null;
  return { owner: e.string(), revision: e.revision };
}
