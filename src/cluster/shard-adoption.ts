/**
 * What a daemon takes over with a shard (docs/cluster.md "Takeover"): the positions and open
 * orders of the shard's symbols in the last journal shipped to its stream subject, as journal
 * records the taker writes to its own journal and hands to its risk stage. A shipped journal may
 * hold several shards (its daemon had taken one over): only the adopted shard's symbols count.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SymbolId } from '../core/ids.js';
import type { Registry } from '../core/registry.js';
import { type RecoveredState, replayJournal } from '../execution/journal-replay.js';
import { ADOPTED_ORDER, JournalCodec, type JournalEntry, JournalKind } from '../shm/records.js';

export interface ShardState {
  /** Journal records the state was rebuilt from (0: nothing was shipped for the shard). */
  readonly records: number;
  /** Bytes of the shipped journal it was rebuilt from. */
  readonly bytes: number;
  readonly positions: RecoveredState['positions'];
  readonly openOrders: RecoveredState['openOrders'];
}

export const EMPTY_SHARD_STATE: ShardState = { records: 0, bytes: 0, positions: [], openOrders: [] };

/** Replays a shipped journal (bytes of a journal file) and keeps only `symbols`. */
export function shardStateOf(journal: Uint8Array | null, symbols: readonly string[]): ShardState {
  if (journal === null) return EMPTY_SHARD_STATE;
  const path = join(
    tmpdir(),
    `hft-adopt-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.hftj`,
  );
  writeFileSync(path, journal);
  try {
    const state = replayJournal(path);
    const mine = new Set(symbols);
    return {
      records: state.records,
      bytes: journal.length,
      positions: state.positions.filter((p) => mine.has(p.symbol)),
      openOrders: state.openOrders.filter((o) => mine.has(o.symbol)),
    };
  } finally {
    rmSync(path, { force: true });
  }
}

/**
 * The records that hand `state` to this daemon: a position seed per symbol (flat ones too, so
 * the journal says the symbol was adopted), then each open order re-opened for what it has left.
 */
export function adoptionRecords(state: ShardState, registry: Registry, tsNs: number): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (const p of state.positions) {
    const e = blank(tsNs, JournalKind.positionSeed, registry.symbolId(p.symbol));
    e.qty = p.qty;
    e.fillPx = p.avgPx;
    e.limitPx = p.realized;
    e.feeUsd = p.fees;
    if (e.symbolId >= 0) out.push(e);
  }
  for (const o of state.openOrders) {
    const e = blank(tsNs, JournalKind.approved, registry.symbolId(o.symbol));
    e.clientOrderId = o.clientOrderId;
    e.venueId = registry.venueId(o.venue);
    e.side = o.side;
    e.qty = o.qty - o.filledQty;
    e.leavesQty = e.qty;
    e.limitPx = o.limitPx;
    e.reason = ADOPTED_ORDER;
    if (e.symbolId >= 0 && e.venueId >= 0 && e.qty > 0) out.push(e);
  }
  return out;
}

function blank(tsNs: number, kind: number, symbolId: SymbolId): JournalEntry {
  const e = JournalCodec.create();
  e.tsNs = tsNs;
  e.kind = kind;
  e.symbolId = symbolId;
  return e;
}
