/** The order side of a venue connection: orders go in, execution reports come out. */
import { ExecKind, type ExecReport, type Order } from '../shm/records.js';

/**
 * Why a venue (or the gateway on its behalf) ended an order: `venueHalted` the venue refuses every
 * order; `disconnected` the session to the venue was lost before the order was answered (reported
 * by the gateway, with the venue cancelling on disconnect) or was down when the order was sent.
 */
export const VenueRejectReason = {
  noQuote: 1,
  capacity: 2,
  unknownOrder: 3,
  cancelled: 4,
  venueHalted: 5,
  disconnected: 6,
} as const;

/** The immediate answer to a cancel for an order the venue does not know: done, nothing left open. */
export function unknownOrderCancel(clientOrderId: number, nowNs: number, out: ExecReport): void {
  out.clientOrderId = clientOrderId;
  out.kind = ExecKind.cancel;
  out.reason = VenueRejectReason.unknownOrder;
  out.fillQty = 0;
  out.fillPx = 0;
  out.feeUsd = 0;
  out.leavesQty = 0;
  out.sentTsNs = nowNs;
  out.venueTsNs = nowNs;
  out.recvTsNs = nowNs;
}

export interface VenueGateway {
  /** Hands the order to the venue connection; false when the gateway cannot take it. */
  submit(order: Order, nowNs: number): boolean;
  /**
   * Asks the venue to cancel an order. Returns true when `out` holds an immediate answer (the
   * venue does not know the order: it is reported cancelled with nothing left open); otherwise
   * the outcome arrives through `nextReport`.
   */
  cancel(clientOrderId: number, nowNs: number, out: ExecReport): boolean;
  /** Writes the next report due at or before `nowNs` into `out`; false when none is due. */
  nextReport(nowNs: number, out: ExecReport): boolean;
  /** When the next report could be due (ns), +Infinity when nothing is in flight. */
  nextDueNs(): number;
  readonly inFlight: number;
  /** Whether the session to the venue is up (socket gateways; absent: always). */
  connected?(venueId: number): boolean;
}
