/**
 * What the cluster holds now, read from its shared state: which daemon holds each shard's lease,
 * the global budget and each shard's reservation, the halt key, and how many messages each shard's
 * journal subject has. `hft cluster status` prints it (src/main/cluster-command.ts).
 */

import type { ClusterClient } from './cluster-client.js';
import { BUDGET_BUCKET, type BudgetState, reservedTotal } from './global-budget.js';
import { CONTROL_BUCKET, type HaltState, readHalt } from './halt-switch.js';
import { ensureJournalStream, JOURNAL_STREAM } from './journal-stream.js';
import { LEASE_BUCKET } from './shard-lease.js';

/** The global budget's key: gross notional of positions and open orders, USD. */
export const PORTFOLIO_BUDGET = 'portfolio_notional';

export interface ClusterStatus {
  servers: string[];
  /** Lease holder per shard key (`I-of-K`) that has one now. */
  shards: { shard: string; owner: string; revision: number }[];
  budget: { limit_usd: number; reserved_usd: number; by_shard: Record<string, number> } | null;
  halt: HaltState;
  /** Messages per shard journal subject (`hft.journal.I-of-K`). */
  journal: Record<string, number>;
}

export async function clusterStatus(c: ClusterClient, servers: string[]): Promise<ClusterStatus> {
  const leases = await c.bucket(LEASE_BUCKET);
  const shards: ClusterStatus['shards'] = [];
  for await (const key of await leases.keys()) {
    const e = await leases.get(key);
    if (e !== null && e.operation === 'PUT')
      shards.push({ shard: key.replace(/^shard-/, ''), owner: e.string(), revision: e.revision });
  }
  shards.sort((a, b) => a.shard.localeCompare(b.shard));
  const budgetEntry = await (await c.bucket(BUDGET_BUCKET)).get(PORTFOLIO_BUDGET);
  let budget: ClusterStatus['budget'] = null;
  if (budgetEntry !== null && budgetEntry.operation === 'PUT') {
    const state = JSON.parse(budgetEntry.string()) as BudgetState;
    budget = { limit_usd: state.limit, reserved_usd: reservedTotal(state), by_shard: state.held };
  }
  const halt = await readHalt(await c.bucket(CONTROL_BUCKET));
  await ensureJournalStream(c.jsm);
  const info = await c.jsm.streams.info(JOURNAL_STREAM, { subjects_filter: 'hft.journal.>' });
  const journal = Object.fromEntries(
    Object.entries(info.state.subjects ?? {}).map(([s, n]) => [s.replace(/^hft\.journal\./, ''), n]),
  );
  return { servers, shards, budget, halt, journal };
}

/** The status as lines for a terminal. */
export function statusLines(s: ClusterStatus): string[] {
  const lines = [`cluster   ${s.servers.join(', ')}`];
  lines.push(`halt      ${s.halt.halted ? `HALTED: ${s.halt.reason}` : 'no'}`);
  if (s.shards.length === 0) lines.push('shards    none held');
  for (const sh of s.shards) lines.push(`shard     ${sh.shard.padEnd(8)} held by ${sh.owner}`);
  if (s.budget === null) lines.push('budget    none yet');
  else {
    const used = s.budget.limit_usd > 0 ? (100 * s.budget.reserved_usd) / s.budget.limit_usd : 0;
    lines.push(
      `budget    ${Math.round(s.budget.reserved_usd)} of ${s.budget.limit_usd} USD reserved (${used.toFixed(1)}%)`,
    );
    for (const [owner, usd] of Object.entries(s.budget.by_shard))
      lines.push(`          ${owner.padEnd(14)} ${Math.round(usd)} USD`);
  }
  for (const [shard, n] of Object.entries(s.journal))
    lines.push(`journal   ${shard.padEnd(8)} ${n} messages`);
  return lines;
}
