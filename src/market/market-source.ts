/** Where raw ticks come from (simulated venues, replay, Finnhub, ws venue servers). */
import type { Tick } from '../shm/records.js';

export interface MarketSource {
  /**
   * Writes the next tick due at or before `nowNs` into `out` and returns true, or returns false
   * when none is due. Never allocates.
   */
  poll(nowNs: number, out: Tick): boolean;
  /**
   * When the next tick is due (ns); +Infinity when the source is exhausted or, for an
   * event-driven source, has nothing queued (0 when it has).
   */
  nextDueNs(): number;
  /** Ticks arrive on the event loop (sockets), not on a schedule. */
  readonly eventDriven?: boolean;
  /**
   * A source that can be resumed (a replay): where a successor continues so that no tick already
   * handed out is sent again. The ingest node publishes it to the shared counters after each poll.
   */
  resumePoint?(): number;
}
