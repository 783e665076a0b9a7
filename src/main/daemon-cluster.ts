/**
 * `hft run --cluster URLS --shard I/K` (docs/cluster.md): the daemon trades only its shard's
 * symbols; before anything is built it takes the shard's lease (another live daemon on the shard:
 * exit 2) and, with `--recover cluster`, rebuilds the shard's journal from the replicated stream;
 * once built, the cluster's halt and the loss of the lease trip its kill switch, its orders are
 * checked against its allowance of the global budget, and its journal is shipped to the stream.
 * Without --cluster nothing here runs.
 */

import { writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BudgetKeeper } from '../cluster/budget-keeper.js';
import { parseServers } from '../cluster/cluster-client.js';
import { ClusterMembership, type MembershipSummary, ShardTakenError } from '../cluster/cluster-membership.js';
import { PORTFOLIO_BUDGET } from '../cluster/cluster-status.js';
import { BUDGET_BUCKET, GlobalBudget } from '../cluster/global-budget.js';
import { JournalShipper, lastRunJournal } from '../cluster/journal-shipper.js';
import { ensureJournalStream, readShard } from '../cluster/journal-stream.js';
import { parseShard, type Shard, shardKey, shardSymbols } from '../cluster/shard-of.js';
import type { HftConfig } from '../config/config-types.js';
import { ConfigError, UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { Breaker } from '../run-state/control-block.js';
import type { Daemon } from './daemon-build.js';

/** `--recover cluster`: rebuild from the shard's journal stream instead of a file. */
export const RECOVER_FROM_CLUSTER = 'cluster';
/** How often the allowance of the global budget is topped up or trimmed. */
const BUDGET_INTERVAL_MS = 20;
/** At the end of a run, the longest wait for the journal's last chunks to reach the stream. */
const SHIP_DRAIN_MS = 5000;

export function clusterServers(cfg: HftConfig): string[] {
  return parseServers(cfg.cluster.servers);
}

/** The config this daemon runs: its shard's symbols only when it joins a cluster. */
export function shardConfig(cfg: HftConfig): HftConfig {
  if (clusterServers(cfg).length === 0) return cfg;
  const shard = parseShard(cfg.cluster.shard);
  const symbols = shardSymbols(cfg.trading.symbols, shard);
  if (symbols.length === 0)
    throw new ConfigError(
      '--shard',
      `no symbol of ${cfg.trading.symbols.join(', ')} hashes to shard ${cfg.cluster.shard}; use fewer shards or more symbols`,
    );
  return { ...cfg, trading: { ...cfg.trading, symbols } };
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
  /** With `--recover cluster`: the shard's last journal, rebuilt from the stream into this file. */
  readonly recoverPath: string | null;
}

/**
 * Joins the cluster before the daemon is built: takes the shard's lease (exit 2 if a live daemon
 * keeps it) and watches the halt key; with `--recover cluster`, reads the shard's journal stream
 * (under the lease, so no other daemon writes it meanwhile).
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
    const recoverPath = recover === RECOVER_FROM_CLUSTER ? await journalFromStream(member, shard, log) : null;
    log.info({ servers, shard: cfg.cluster.shard, owner }, 'joined the cluster');
    return { member, events, shard, owner, recoverPath };
  } catch (err) {
    await member.leave();
    throw err;
  }
}

/** The shard's last shipped journal, written to a file `replayJournal` reads. */
async function journalFromStream(member: ClusterMembership, shard: Shard, log: Logger): Promise<string> {
  const c = member.connection;
  await ensureJournalStream(c.jsm);
  const bytes = lastRunJournal(await readShard(c.js, c.jsm, shardKey(shard)));
  if (bytes === null)
    throw new UsageError(
      `--recover cluster: the journal stream has nothing for shard ${shard.index}/${shard.count}`,
    );
  const path = join(tmpdir(), `hft-stream-journal-${shard.index}-of-${shard.count}-${process.pid}.hftj`);
  writeFileSync(path, bytes);
  log.info(
    { shard: `${shard.index}/${shard.count}`, bytes: bytes.length, file: path },
    'journal rebuilt from the stream',
  );
  return path;
}

/** A daemon's part in the cluster for one run: membership, budget allowance, journal shipping. */
export class DaemonCluster {
  private left = false;

  private constructor(
    private readonly joined: ClusterJoin,
    private readonly budget: BudgetKeeper,
    private readonly shipper: JournalShipper,
  ) {}

  /** Wires the built daemon in: events, its budget allowance, and its journal into the stream. */
  static async attach(joined: ClusterJoin, d: Daemon): Promise<DaemonCluster> {
    joined.events.attach(d);
    const c = joined.member.connection;
    await ensureJournalStream(c.jsm);
    const shipper = await JournalShipper.open(
      c.js,
      c.jsm,
      shardKey(joined.shard),
      `${joined.owner}:${Date.now()}`,
      (err) => {
        d.killSwitch(`cluster: journal stream refused a write (${err.message})`);
        d.log.error({ err: err.message }, 'journal stream: shipping stopped, trading halted');
      },
    );
    d.journalWriter.setTap((bytes) => shipper.push(bytes));
    return new DaemonCluster(joined, await startBudget(d, joined), shipper);
  }

  /** Ships the journal's last chunks, gives back what settled positions do not use, leaves. */
  async leave(settledExposureUsd: number): Promise<void> {
    if (this.left) return;
    this.left = true;
    await this.shipper.drain(SHIP_DRAIN_MS);
    await this.budget.stop(settledExposureUsd).catch(() => undefined);
    await this.joined.member.leave();
  }

  summary(
    d: Daemon,
  ): MembershipSummary & { budget: Record<string, number>; journal_stream: Record<string, unknown> } {
    const c = d.metrics.counters;
    return {
      ...this.joined.member.summary(),
      budget: {
        limit_usd: this.budget.limitUsd,
        chunk_usd: this.budget.chunkUsd,
        held_usd: this.budget.granted,
        exposure_max_usd: c.byName('exposure_max_usd'),
        refills: this.budget.refills,
        releases: this.budget.releases,
        refused_orders: c.byName('risk_reject_cluster_budget'),
      },
      journal_stream: {
        shipped_bytes: this.shipper.shippedBytes,
        unshipped_bytes: this.shipper.lagBytes,
        max_lag_bytes: this.shipper.maxLagBytes,
        error: this.shipper.failed?.message ?? null,
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
  const keeper = new BudgetKeeper(budget, `shard-${d.cfg.cluster.shard}`, d.cfg.cluster.budget_chunk_usd, {
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
