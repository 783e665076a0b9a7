/**
 * `hft run --cluster URLS --shard I/K` (docs/cluster.md): the daemon's pipeline carries every
 * configured symbol but risk trades only those of the shards it holds (the others are on
 * standby). Before anything is built it takes its shard's lease (another live daemon on the
 * shard: exit 2); once built, the cluster's halt and the loss of a lease trip its kill switch,
 * its orders are checked against its allowance of the global budget, its journal is shipped to
 * the stream subject of every shard it holds, and it takes over orphaned shards (shard-takeover.ts).
 * With `--recover cluster` it starts from its shard's last shipped journal. Without --cluster
 * nothing here runs.
 */

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { AdoptionMailbox } from '../cluster/adoption-mailbox.js';
import { BudgetKeeper } from '../cluster/budget-keeper.js';
import { type ClusterClient, parseServers } from '../cluster/cluster-client.js';
import { ClusterMembership, ShardTakenError } from '../cluster/cluster-membership.js';
import { PORTFOLIO_BUDGET } from '../cluster/cluster-status.js';
import { BUDGET_BUCKET, GlobalBudget } from '../cluster/global-budget.js';
import { CONTROL_BUCKET } from '../cluster/halt-switch.js';
import { JournalShipper, lastRunJournal } from '../cluster/journal-shipper.js';
import { ensureJournalStream, readShard } from '../cluster/journal-stream.js';
import { claimRunNumber, IDS_PER_RUN } from '../cluster/run-number.js';
import { LEASE_BUCKET } from '../cluster/shard-lease.js';
import { parseShard, type Shard, shardKey, shardSymbols } from '../cluster/shard-of.js';
import {
  type AdoptionSummary,
  adoptShard,
  budgetOwner,
  ShardTakeovers,
  type TakeoverHost,
} from '../cluster/shard-takeover.js';
import type { HftConfig } from '../config/config-types.js';
import { ConfigError, UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { Breaker } from '../run-state/control-block.js';
import type { ClusterBuild, Daemon } from './daemon-build.js';

/** `--recover cluster`: rebuild from the shard's journal stream instead of a file. */
export const RECOVER_FROM_CLUSTER = 'cluster';
/** How often the allowance of the global budget is topped up or trimmed. */
const BUDGET_INTERVAL_MS = 20;
/** At the end of a run, the longest wait for the journal's last chunks to reach the stream. */
const SHIP_DRAIN_MS = 5000;

export function clusterServers(cfg: HftConfig): string[] {
  return parseServers(cfg.cluster.servers);
}

/**
 * The config this daemon runs: every symbol (a shard taken over later trades on the same
 * pipeline), provided its own shard has one.
 */
export function shardConfig(cfg: HftConfig): HftConfig {
  if (clusterServers(cfg).length === 0) return cfg;
  const shard = parseShard(cfg.cluster.shard);
  if (shardSymbols(cfg.trading.symbols, shard).length === 0)
    throw new ConfigError(
      '--shard',
      `no symbol of ${cfg.trading.symbols.join(', ')} hashes to shard ${cfg.cluster.shard}; use fewer shards or more symbols`,
    );
  return cfg;
}

/** What the daemon learns of the cluster before it is built; events wait for `attach`. */
class PendingEvents {
  daemon: Daemon | null = null;
  halt: { halted: boolean; reason: string; seenAfterMs: number } | null = null;
  leaseLost: string | null = null;
  private haltTripped = false;

  onHalt(halted: boolean, reason: string, seenAfterMs: number): void {
    this.halt = { halted, reason, seenAfterMs };
    const d = this.daemon;
    if (d === null) return;
    if (halted) {
      this.haltTripped ||= !d.control.isTripped(Breaker.killSwitch);
      d.killSwitch(`cluster halt: ${reason}`);
      d.log.warn({ reason, seen_after_ms: seenAfterMs }, 'cluster halt: trading halted');
    } else if (this.haltTripped && d.control.reset(Breaker.killSwitch)) {
      this.haltTripped = false;
      d.log.warn('cluster halt cleared: trading resumed');
    }
  }

  onLeaseLost(reason: string): void {
    this.leaseLost = reason;
    const d = this.daemon;
    if (d === null) return;
    d.killSwitch(`cluster: shard lease lost (${reason})`);
    d.log.error({ reason }, 'shard lease lost: trading halted');
  }

  /** The daemon is built: what happened meanwhile applies now. */
  attach(d: Daemon): void {
    this.daemon = d;
    if (this.halt?.halted) this.onHalt(true, this.halt.reason, this.halt.seenAfterMs);
    if (this.leaseLost !== null) this.onLeaseLost(this.leaseLost);
  }
}

export interface ClusterJoin {
  readonly member: ClusterMembership;
  readonly events: PendingEvents;
  readonly shard: Shard;
  readonly owner: string;
  /** This run's number in the cluster (run-number.ts): its client order ids start at number x 2^32. */
  readonly runNumber: number;
  /** With `--recover cluster`: the shard's last shipped journal (null: none), read before this run ships. */
  readonly recovered: { journal: Uint8Array | null } | null;
}

/**
 * Joins the cluster before the daemon is built: takes the shard's lease (exit 2 if a live daemon
 * keeps it), watches the halt key and claims a run number; with `--recover cluster`, reads the
 * shard's journal stream (under the lease, so no other daemon writes it meanwhile).
 */
export async function joinCluster(
  cfg: HftConfig,
  log: Logger,
  recover: string | null,
): Promise<ClusterJoin | null> {
  const servers = clusterServers(cfg);
  if (servers.length === 0) {
    if (recover === RECOVER_FROM_CLUSTER)
      throw new ConfigError('--recover', 'cluster: recovering from the journal stream needs --cluster');
    return null;
  }
  const shard = parseShard(cfg.cluster.shard);
  const owner = `${hostname()}:${process.pid}`;
  const events = new PendingEvents();
  let member: ClusterMembership;
  try {
    member = await ClusterMembership.join(servers, shard, owner, cfg.cluster.lease_ttl_ms, events);
  } catch (err) {
    if (err instanceof ShardTakenError) throw new UsageError(err.message);
    throw err;
  }
  try {
    const c = member.connection;
    const runNumber = await claimRunNumber(await c.bucket(CONTROL_BUCKET));
    await ensureJournalStream(c.jsm);
    const recovered =
      recover === RECOVER_FROM_CLUSTER ? { journal: await shippedJournal(c, shardKey(shard)) } : null;
    if (recovered !== null && recovered.journal === null)
      throw new UsageError(
        `--recover cluster: the journal stream has nothing for shard ${shard.index}/${shard.count}`,
      );
    log.info({ servers, shard: cfg.cluster.shard, owner, run: runNumber }, 'joined the cluster');
    return { member, events, shard, owner, runNumber, recovered };
  } catch (err) {
    await member.leave();
    throw err;
  }
}

/** What the pipeline of a cluster daemon needs at build time (daemon-build.ts). */
export function clusterBuild(joined: ClusterJoin | null, cfg: HftConfig): ClusterBuild | null {
  if (joined === null) return null;
  return {
    clientOrderIdBase: joined.runNumber * IDS_PER_RUN,
    adoptionCapacity: cfg.trading.symbols.length + cfg.risk.max_open_orders,
  };
}

async function shippedJournal(c: ClusterClient, key: string): Promise<Uint8Array | null> {
  return lastRunJournal(await readShard(c.js, c.jsm, key));
}

/** A daemon's part in the cluster for one run: membership, budget allowance, journal shipping, takeovers. */
export class DaemonCluster {
  private left = false;
  private readonly shippers: JournalShipper[] = [];
  private budget: BudgetKeeper | null = null;
  private takeovers: ShardTakeovers | null = null;
  private readonly adoptedOwn: AdoptionSummary[] = [];
  private recovering: Promise<void> | null = null;

  private constructor(
    private readonly joined: ClusterJoin,
    private readonly d: Daemon,
  ) {}

  /**
   * Wires the built daemon in: events, every symbol on standby, its journal into the stream, its
   * budget allowance; then its own shard's state (--recover cluster) and trading; then takeovers.
   */
  static async attach(joined: ClusterJoin, d: Daemon): Promise<DaemonCluster> {
    const self = new DaemonCluster(joined, d);
    joined.events.attach(d);
    const host = self.takeoverHost();
    host.setStandby(d.registry.symbols, true);
    (await host.shipTo(shardKey(joined.shard)))();
    self.budget = await startBudget(d, joined);
    if (joined.recovered !== null) self.recovering = self.recoverOwn(host, joined.recovered.journal);
    else host.setStandby(shardSymbols(d.registry.symbols, joined.shard), false);
    const leases = await joined.member.connection.bucket(LEASE_BUCKET, { ttlMs: d.cfg.cluster.lease_ttl_ms });
    self.takeovers = new ShardTakeovers(
      leases,
      joined.shard,
      joined.owner,
      d.cfg.cluster.lease_ttl_ms,
      d.registry.symbols,
      host,
      d.log,
    );
    self.takeovers.start();
    return self;
  }

  /**
   * --recover cluster: hands the shard's shipped state to risk once the pipeline runs (risk
   * applies it at its first polls); the shard's symbols stay on standby until then.
   */
  private async recoverOwn(host: TakeoverHost, journal: Uint8Array | null): Promise<void> {
    const startedMs = Date.now();
    try {
      const done = await adoptShard(host, this.joined.shard, this.d.registry.symbols, journal, false);
      this.adoptedOwn.push({ ...done, from: null, took_ms: Date.now() - startedMs });
    } catch (err) {
      host.halt(`cluster: --recover cluster failed (${(err as Error).message})`);
    }
  }

  /** What a takeover borrows from this daemon (shard-takeover.ts TakeoverHost). */
  private takeoverHost(): TakeoverHost {
    const d = this.d;
    const c = this.joined.member.connection;
    const mailbox = new AdoptionMailbox(d.handles.adoption!);
    const standby = d.registry.symbols.map((_, s) => d.metrics.slot(`symbol_${s}_standby`));
    return {
      registry: d.registry,
      mailbox,
      nowNs: d.nowNs,
      journalAdoption: (records) => {
        d.journal.drain(); // what risk journaled so far comes first
        for (const r of records) d.journalWriter.append(r);
        d.journalWriter.flush();
      },
      shipTo: async (key) => {
        const shipper = await JournalShipper.open(
          c.js,
          c.jsm,
          key,
          `${this.joined.owner}:${Date.now()}`,
          (err) => {
            d.killSwitch(`cluster: journal stream ${key} refused a write (${err.message})`);
            d.log.error({ shard: key, err: err.message }, 'journal stream: shipping stopped, trading halted');
          },
        );
        return () => {
          const first = this.shippers.length === 0;
          this.shippers.push(shipper);
          // The first gets the header from the tap; a later one the file so far (drained and
          // flushed: every byte the others got), then what the tap hands all of them.
          if (first) d.journalWriter.setTap((bytes) => this.ship(bytes));
          else {
            d.journal.drain();
            shipper.push(new Uint8Array(readFileSync(d.journalWriter.path)));
          }
        };
      },
      readShippedJournal: (key) => shippedJournal(c, key),
      inheritBudget: (owner) => this.budget!.inherit(owner),
      setStandby: (symbols, on) => {
        for (const sym of symbols) d.metrics.counters.set(standby[d.registry.symbolId(sym)], on ? 1 : 0);
      },
      halt: (reason) => {
        d.killSwitch(reason);
        d.log.error({ reason }, 'cluster: trading halted');
      },
    };
  }

  private ship(bytes: Uint8Array): void {
    for (const s of this.shippers) s.push(bytes);
  }

  /** Symbols risk trades now (the shards held). */
  private tradedSymbols(): string[] {
    const c = this.d.metrics.counters;
    return this.d.registry.symbols.filter((_, s) => c.byName(`symbol_${s}_standby`) !== 1);
  }

  /** Ships the journal's last chunks, gives back what settled positions do not use, leaves. */
  async leave(settledExposureUsd: number): Promise<void> {
    if (this.left) return;
    this.left = true;
    await this.recovering;
    await this.takeovers?.stop();
    await Promise.all(this.shippers.map((s) => s.drain(SHIP_DRAIN_MS)));
    await this.budget?.stop(settledExposureUsd).catch(() => undefined);
    await this.joined.member.leave();
  }

  summary(d: Daemon) {
    const c = d.metrics.counters;
    const budget = this.budget!;
    return {
      ...this.joined.member.summary(),
      run_number: this.joined.runNumber,
      symbols: this.tradedSymbols(),
      adopted: [...this.adoptedOwn, ...(this.takeovers?.adopted ?? [])],
      budget: {
        limit_usd: budget.limitUsd,
        chunk_usd: budget.chunkUsd,
        held_usd: budget.granted,
        exposure_max_usd: c.byName('exposure_max_usd'),
        refills: budget.refills,
        releases: budget.releases,
        refused_orders: c.byName('risk_reject_cluster_budget'),
      },
      journal_stream: {
        shipped_bytes: this.shippers[0]?.shippedBytes ?? 0,
        unshipped_bytes: this.shippers.reduce((a, s) => a + s.lagBytes, 0),
        max_lag_bytes: Math.max(0, ...this.shippers.map((s) => s.maxLagBytes)),
        error: this.shippers.find((s) => s.failed !== null)?.failed?.message ?? null,
      },
    };
  }
}

/** Switches risk's cluster budget check on and keeps the shard's allowance ahead of its exposure. */
async function startBudget(d: Daemon, joined: ClusterJoin): Promise<BudgetKeeper> {
  const c = d.metrics.counters;
  const granted = c.slot('cluster_notional_granted');
  const exposure = c.slot('exposure_usd');
  const kv = await joined.member.connection.bucket(BUDGET_BUCKET);
  const budget = new GlobalBudget(kv, PORTFOLIO_BUDGET);
  const keeper = new BudgetKeeper(budget, budgetOwner(joined.shard), d.cfg.cluster.budget_chunk_usd, {
    exposure: () => c.get(exposure),
    publishGranted: (usd) => c.set(granted, usd),
  });
  c.set(granted, 0);
  c.set(c.slot('cluster_budget_on'), 1);
  await keeper.start(d.cfg.cluster.max_portfolio_value, BUDGET_INTERVAL_MS);
  if (keeper.limitUsd !== d.cfg.cluster.max_portfolio_value)
    d.log.warn(
      { cluster_limit_usd: keeper.limitUsd, config_limit_usd: d.cfg.cluster.max_portfolio_value },
      'cluster.max_portfolio_value: the cluster already has a budget with another limit; it binds',
    );
  return keeper;
}
