/** The order side of a venue connection: orders go in, execution reports come out. */
import type { ExecReport, Order } from '../shm/records.js';

export interface VenueGateway {
  /** Hands the order to the venue connection; false when the gateway cannot take it. */
  submit(order: Order, nowNs: number): boolean;
  /** Writes the next report due at or before `nowNs` into `out`; false when none is due. */
  nextReport(nowNs: number, out: ExecReport): boolean;
  /** When the next report could be due (ns), +Infinity when nothing is in flight. */
  nextDueNs(): number;
  readonly inFlight: number;
}
