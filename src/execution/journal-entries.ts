/**
 * What risk journals (docs/architecture.md principle 6): each decision on an order and each execution
 * report, as one journal record. Pure field mapping into a reused record, no allocation.
 */
import { type ExecReport, type JournalEntry, JournalKind, type Order } from '../shm/records.js';

/** Journal kinds of reports are ExecKind (1..6) + 2. */
const REPORT_TO_JOURNAL = 2;

/** A risk decision (approved, rejected with `reasonCode`, or a cancel request) on `o`. */
export function decisionEntry(o: Order, kind: number, reasonCode: number, into: JournalEntry): JournalEntry {
  into.tsNs = o.riskTsNs;
  into.clientOrderId = o.clientOrderId;
  into.execId = 0;
  into.qty = o.qty;
  into.limitPx = o.limitPx;
  into.fillQty = 0;
  into.fillPx = 0;
  into.leavesQty = kind === JournalKind.approved ? o.qty : 0;
  into.feeUsd = 0;
  into.symbolId = o.symbolId;
  into.venueId = o.venueId;
  into.side = o.side;
  into.kind = kind;
  into.reason = kind === JournalKind.rejected ? reasonCode : 0;
  return into;
}

/** An execution report as the venue sent it (ack, fill, reject, cancel, expiry, ack timeout). */
export function reportEntry(r: ExecReport, into: JournalEntry): JournalEntry {
  into.tsNs = r.recvTsNs;
  into.clientOrderId = r.clientOrderId;
  into.execId = r.execId;
  into.qty = 0;
  into.limitPx = 0;
  into.fillQty = r.fillQty;
  into.fillPx = r.fillPx;
  into.leavesQty = r.leavesQty;
  into.feeUsd = r.feeUsd;
  into.symbolId = r.symbolId;
  into.venueId = r.venueId;
  into.side = r.side;
  into.kind = r.kind + REPORT_TO_JOURNAL;
  into.reason = r.reason;
  return into;
}
