/**
 * Rebuilds positions and open orders from a journal (--recover): the header's start state, then
 * every fill (deduplicated on execId, so a report journaled twice is counted once) and every
 * order's approval and end. Symbols and venues are carried by name.
 */
import { JournalCodec, type JournalEntry, JournalKind } from '../shm/records.js';
import { JournalReader } from './journal-file.js';
import type { OpenOrderSnapshot, PositionSnapshot, RecoveredSnapshot } from './journal-snapshot.js';
import { PositionBook } from './position-book.js';

export interface RecoveredState extends RecoveredSnapshot {
  journal: string;
  records: number;
  fillsApplied: number;
  duplicateFills: number;
  truncatedBytes: number;
}

export function replayJournal(path: string): RecoveredState {
  const reader = new JournalReader(path);
  try {
    const { symbols, venues } = reader.header.registry;
    const start = reader.header.start;
    const book = new PositionBook(symbols.length);
    const open = new Map<number, OpenOrderSnapshot>();
    let maxId = start?.maxClientOrderId ?? 0;
    for (const p of start?.positions ?? []) seedPosition(book, symbols.indexOf(p.symbol), p);
    for (const o of start?.openOrders ?? []) open.set(o.clientOrderId, { ...o });
    const seenExec = new Set<number>();
    const r = JournalCodec.create();
    let records = 0;
    let fillsApplied = 0;
    let duplicateFills = 0;
    let maxExecId = 0;
    while (reader.next(r)) {
      records++;
      maxId = Math.max(maxId, r.clientOrderId);
      if (r.kind >= JournalKind.ack && r.kind <= JournalKind.ackTimeout)
        maxExecId = Math.max(maxExecId, r.execId);
      switch (r.kind) {
        case JournalKind.approved:
          open.set(r.clientOrderId, {
            clientOrderId: r.clientOrderId,
            symbol: symbols[r.symbolId],
            venue: venues[r.venueId],
            side: r.side,
            qty: r.qty,
            filledQty: 0,
            limitPx: r.limitPx,
          });
          break;
        case JournalKind.fill: {
          if (seenExec.has(r.execId)) {
            duplicateFills++;
            break;
          }
          seenExec.add(r.execId);
          book.applyFill(r.symbolId, r.side, r.fillQty, r.fillPx, r.feeUsd);
          fillsApplied++;
          const o = open.get(r.clientOrderId);
          if (o) {
            o.filledQty += r.fillQty;
            if (o.filledQty >= o.qty - 1e-9) open.delete(r.clientOrderId);
          }
          break;
        }
        case JournalKind.venueReject:
        case JournalKind.cancel:
        case JournalKind.expired:
          open.delete(r.clientOrderId);
          break;
        case JournalKind.positionSeed:
          seedPosition(book, r.symbolId, seededPosition(r, symbols[r.symbolId]));
          break;
      }
    }
    return {
      journal: path,
      positions: symbols.map((symbol, s) => ({
        symbol,
        qty: book.position[s],
        avgPx: book.avgPx[s],
        realized: book.realized[s],
        fees: book.fees[s],
      })),
      openOrders: [...open.values()].sort((a, b) => a.clientOrderId - b.clientOrderId),
      maxClientOrderId: maxId,
      maxExecId,
      records,
      fillsApplied,
      duplicateFills,
      truncatedBytes: reader.truncatedBytes,
    };
  } finally {
    reader.close();
  }
}

/** The position a `positionSeed` record carries (records.ts JournalKind). */
export function seededPosition(r: JournalEntry, symbol: string): PositionSnapshot {
  return { symbol, qty: r.qty, avgPx: r.fillPx, realized: r.limitPx, fees: r.feeUsd };
}

/** Restores one symbol's position; cash follows so the accounting identity still holds. */
export function seedPosition(book: PositionBook, s: number, p: PositionSnapshot): void {
  if (s < 0) return;
  book.position[s] = p.qty;
  book.avgPx[s] = p.avgPx;
  book.realized[s] = p.realized;
  book.fees[s] = p.fees;
  book.cash += p.realized - p.fees - p.qty * p.avgPx;
}
