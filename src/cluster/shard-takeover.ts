/**
 * Taking a dead daemon's shard over mid-run (docs/cluster.md "Takeover"). Every daemon polls the
 * leases of the other shards of its split (same K) every ttl/3. A shard seen held that then has
 * no lease entry at all (it expired: its holder stopped renewing; a clean stop leaves a delete
 * marker instead) is orphaned: the daemon creates the lease (one daemon wins), reads the shard's
 * last shipped journal, hands its positions and open orders to risk (journal first, then the
 * mailbox), and only then moves the shard's budget reservation to itself and trades the symbols.
 */
import type { KV } from '@nats-io/kv';
import type { Logger } from '../core/logger.js';
import type { Registry } from '../core/registry.js';
import type { JournalEntry } from '../shm/records.js';
import type { AdoptionMailbox } from './adoption-mailbox.js';
import { adoptionRecords, type ShardState, shardStateOf } from './shard-adoption.js';
import { ShardLease } from './shard-lease.js';
import { type Shard, shardKey, shardSymbols } from './shard-of.js';

/** The longest wait for risk to apply a batch of adopted records. */
const APPLY_TIMEOUT_MS = 10_000;

/** What the daemon lends the takeover (src/main/daemon-cluster.ts). */
export interface TakeoverHost {
  readonly registry: Registry;
  readonly mailbox: AdoptionMailbox;
  nowNs(): number;
  /** Appends `records` to this run's journal (after everything risk journaled so far), flushed. */
  journalAdoption(records: readonly JournalEntry[]): void;
  /**
   * Opens a writer on `shardKey`'s subject now (what is stored there from now on fences a
   * zombie) and returns `start`, which ships this run's journal there too, from its first byte.
   */
  shipTo(shardKey: string): Promise<() => void>;
  /** The last journal shipped for the shard, or null. */
  readShippedJournal(shardKey: string): Promise<Uint8Array | null>;
  /** Moves `owner`'s budget reservation to this daemon; returns USD moved. */
  inheritBudget(owner: string): Promise<number>;
  /** Lets risk trade `symbols` (false) or refuses them as another shard's (true). */
  setStandby(symbols: readonly string[], standby: boolean): void;
  /** An adopted shard's lease was lost, or a takeover failed half way: trading must stop. */
  halt(reason: string): void;
}

export interface AdoptionSummary {
  shard: string;
  /** Who held the lease before (host:pid), or null for this daemon's own shard (--recover cluster). */
  from: string | null;
  records: number;
  bytes: number;
  positions: ShardState['positions'];
  open_orders: ShardState['openOrders'];
  budget_moved_usd: number;
  /** From taking the lease to trading the symbols. */
  took_ms: number;
}

/** The budget owner name of a shard (budget-keeper.ts: the reservation belongs to the shard). */
export const budgetOwner = (s: Shard): string => `shard-${s.index}/${s.count}`;

/**
 * Hands the shard's state in `journal` to risk: the journal first, then the mailbox (waiting for
 * risk to apply each batch), then the budget (only now: the positions are known), then trading.
 */
export async function adoptShard(
  host: TakeoverHost,
  shard: Shard,
  symbols: readonly string[],
  journal: Uint8Array | null,
  inheritBudget: boolean,
): Promise<Omit<AdoptionSummary, 'from' | 'took_ms'>> {
  const mine = shardSymbols(symbols, shard);
  const state = shardStateOf(journal, mine);
  const records = adoptionRecords(state, host.registry, host.nowNs());
  host.journalAdoption(records);
  for (let at = 0; at < records.length; at += host.mailbox.capacity) {
    const seq = host.mailbox.post(records.slice(at, at + host.mailbox.capacity));
    if (!(await host.mailbox.applied(seq, APPLY_TIMEOUT_MS)))
      throw new Error(`risk did not apply the adopted state within ${APPLY_TIMEOUT_MS} ms`);
  }
  const moved = inheritBudget ? await host.inheritBudget(budgetOwner(shard)) : 0;
  host.setStandby(mine, false);
  return {
    shard: shardKey(shard),
    records: state.records,
    bytes: state.bytes,
    positions: state.positions.filter((p) => p.qty !== 0 || p.realized !== 0),
    open_orders: state.openOrders,
    budget_moved_usd: moved,
  };
}

export class ShardTakeovers {
  readonly adopted: AdoptionSummary[] = [];
  private readonly leases: ShardLease[] = [];
  /** Who was last seen holding each other shard. */
  private readonly seenHeld = new Map<number, string>();
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;

  constructor(
    private readonly kv: KV,
    private readonly own: Shard,
    private readonly owner: string,
    private readonly ttlMs: number,
    private readonly symbols: readonly string[],
    private readonly host: TakeoverHost,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(
      () => {
        this.scanning ??= this.scan().finally(() => {
          this.scanning = null;
        });
      },
      Math.max(50, Math.floor(this.ttlMs / 3)),
    );
  }

  /** Stops watching and gives the adopted shards' leases back (the end of the run). */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.scanning;
    await Promise.all(this.leases.map((l) => l.release()));
  }

  private async scan(): Promise<void> {
    for (let i = 0; i < this.own.count && this.timer !== null; i++) {
      if (
        i === this.own.index ||
        this.adopted.some((a) => a.shard === shardKey({ index: i, count: this.own.count }))
      )
        continue;
      const shard = { index: i, count: this.own.count };
      const e = await this.kv.get(`shard-${shardKey(shard)}`).catch(() => undefined);
      if (e === undefined) continue; // the cluster did not answer: judge nothing
      if (e !== null) {
        if (e.operation === 'PUT') this.seenHeld.set(i, e.string());
        else this.seenHeld.delete(i); // released by a clean stop: its positions stay parked
        continue;
      }
      const previous = this.seenHeld.get(i);
      if (previous !== undefined) await this.takeOver(shard, previous);
    }
  }

  private async takeOver(shard: Shard, previous: string): Promise<void> {
    const key = shardKey(shard);
    const startedMs = Date.now();
    const lease = new ShardLease(this.kv, key, this.owner, this.ttlMs, (reason) =>
      this.host.halt(`cluster: adopted shard ${key}'s lease lost (${reason})`),
    );
    if (!(await lease.acquire().catch(() => false))) return; // another daemon was quicker
    this.seenHeld.delete(shard.index);
    this.leases.push(lease);
    this.log.warn({ shard: key, from: previous }, 'cluster: taking over an orphaned shard');
    try {
      const startShipping = await this.host.shipTo(key);
      const journal = await this.host.readShippedJournal(key);
      const done = await adoptShard(this.host, shard, this.symbols, journal, true);
      startShipping();
      const summary = { ...done, from: previous, took_ms: Date.now() - startedMs };
      this.adopted.push(summary);
      this.log.warn(
        {
          shard: key,
          from: previous,
          records: done.records,
          open_orders: done.open_orders.length,
          took_ms: summary.took_ms,
        },
        'cluster: shard taken over; trading it',
      );
    } catch (err) {
      this.host.halt(`cluster: taking over shard ${key} failed (${(err as Error).message})`);
    }
  }
}
