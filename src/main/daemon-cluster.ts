/**
 * `hft run --cluster URLS --shard I/K`: the daemon trades only its shard's symbols, holds the
 * shard's lease for the whole run (another daemon on the same shard is refused at start), and
 * maps the cluster's halt key and the loss of its lease onto its kill switch (docs/cluster.md).
 * Without --cluster nothing here runs.
 */
import { hostname } from 'node:os';
import { BudgetKeeper } from '../cluster/budget-keeper.js';
import { ClusterMembership, type MembershipSummary, ShardTakenError } from '../cluster/cluster-membership.js';
import { BUDGET_BUCKET, GlobalBudget } from '../cluster/global-budget.js';
import { parseShard, shardSymbols } from '../cluster/shard-of.js';
import type { HftConfig } from '../config/config-types.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { Breaker } from '../run-state/control-block.js';
import type { Daemon } from './daemon-build.js';

export function clusterServers(cfg: HftConfig): string[] {
  return cfg.cluster.servers
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
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

/**
 * Joins the cluster before trading starts: takes the shard's lease (exit 2 if a live daemon holds
 * it) and watches the halt key. A halt trips the kill switch; clearing it resets the kill switch
 * only if the halt tripped it. Losing the lease trips it for good.
 */
export async function joinCluster(d: Daemon): Promise<DaemonCluster | null> {
  const servers = clusterServers(d.cfg);
  if (servers.length === 0) return null;
  const shard = parseShard(d.cfg.cluster.shard);
  const owner = `${hostname()}:${process.pid}`;
  let haltTripped = false;
  try {
    const member = await ClusterMembership.join(servers, shard, owner, d.cfg.cluster.lease_ttl_ms, {
      onHalt: (halted, reason, seenAfterMs) => {
        if (halted) {
          haltTripped = !d.control.isTripped(Breaker.killSwitch);
          d.killSwitch(`cluster halt: ${reason}`);
          d.log.warn({ reason, seen_after_ms: seenAfterMs }, 'cluster halt: trading halted');
        } else if (haltTripped && d.control.reset(Breaker.killSwitch)) {
          haltTripped = false;
          d.log.warn('cluster halt cleared: trading resumed');
        }
      },
      onLeaseLost: (reason) => {
        d.killSwitch(`cluster: shard lease lost (${reason})`);
        d.log.error({ shard: d.cfg.cluster.shard, reason }, 'shard lease lost: trading halted');
      },
    });
    d.log.info(
      { servers, shard: d.cfg.cluster.shard, owner, symbols: d.registry.symbols },
      'joined the cluster',
    );
    try {
      return new DaemonCluster(member, await startBudget(d, member));
    } catch (err) {
      await member.leave();
      throw err;
    }
  } catch (err) {
    if (err instanceof ShardTakenError) throw new UsageError(err.message);
    throw err;
  }
}

/** How often the allowance of the global budget is topped up or trimmed. */
const BUDGET_INTERVAL_MS = 20;
/** The global budget's key: gross notional of positions and open orders, USD. */
const PORTFOLIO_BUDGET = 'portfolio_notional';

/** Switches risk's cluster budget check on and keeps the shard's allowance ahead of its exposure. */
async function startBudget(d: Daemon, member: ClusterMembership): Promise<BudgetKeeper> {
  const c = d.metrics.counters;
  const granted = c.slot('cluster_notional_granted');
  const exposure = c.slot('exposure_usd');
  const kv = await member.connection.bucket(BUDGET_BUCKET);
  const keeper = new BudgetKeeper(
    new GlobalBudget(kv, PORTFOLIO_BUDGET),
    `shard-${d.cfg.cluster.shard}`,
    d.cfg.cluster.budget_chunk_usd,
    {
      exposure: () => c.get(exposure),
      publishGranted: (usd) => c.set(granted, usd),
    },
  );
  c.set(granted, 0);
  c.set(c.slot('cluster_budget_on'), 1);
  await keeper.start(d.cfg.cluster.max_portfolio_value, BUDGET_INTERVAL_MS);
  return keeper;
}

/** A daemon's part in the cluster for one run: its membership and its budget allowance. */
export class DaemonCluster {
  constructor(
    private readonly member: ClusterMembership,
    private readonly budget: BudgetKeeper,
  ) {}

  /** Gives back the allowance its settled positions do not use, the shard's lease, the connection. */
  async leave(settledExposureUsd: number): Promise<void> {
    await this.budget.stop(settledExposureUsd).catch(() => undefined);
    await this.member.leave();
  }

  summary(d: Daemon): MembershipSummary & { budget: Record<string, number> } {
    const c = d.metrics.counters;
    return {
      ...this.member.summary(),
      budget: {
        limit_usd: d.cfg.cluster.max_portfolio_value,
        chunk_usd: this.budget.chunkUsd,
        held_usd: this.budget.granted,
        exposure_max_usd: c.byName('exposure_max_usd'),
        refills: this.budget.refills,
        releases: this.budget.releases,
        refused_orders: c.byName('risk_reject_cluster_budget'),
      },
    };
  }
}
