/**
 * The backtest's policy-table node when the recording has the live policy's input log: instead of
 * deciding on the backtest's own (simulated) forecasts, fills and refresh instants, it hands the
 * route stage the decision the replayed policy made at the live refresh each live order used
 * (policy-replay.ts). Just before the tick of a live order, the order's row is given that
 * decision with its live stamp (an order the live fallback routed finds a decision too old to
 * use, so the fallback routes it here too), and every other row the latest replayed decision,
 * for orders the live run did not send.
 *
 * The venues the route stage counts as usable are live's too: before each live order the
 * backtest's venue flags are set to what the live policy saw (out, or clear). Only routing reads
 * them; the backtest's own latency breakers, fed by simulated acks, opened a venue for 5 s in a
 * run whose live breakers did not, and moved 48 of 816 orders elsewhere.
 */
import { type HostTime, lowerDueNs, NOW_NS, type StageNode } from '../pipeline/stage-node.js';
import type { RoutingTable } from '../routing/routing-table.js';
import { VenueFlag, type VenueFlagSink } from '../run-state/control-block.js';
import type { PolicyReplay } from './policy-replay.js';

/** How long before the tick's receive stamp its row is set: the route stage reads it at the stamp. */
const LEAD_NS = 1e-3;

export class ReplayPolicyNode implements StageNode {
  readonly name = 'policy-table';
  private next = 0;
  private nextChange = 0;
  private readonly stale: Float64Array;
  /** Per venue: 1 while the live policy saw it usable (all are, until a change says otherwise). */
  private readonly liveUsable: Uint8Array;

  constructor(
    private readonly replay: PolicyReplay,
    private readonly table: RoutingTable,
    private readonly venues: VenueFlagSink,
  ) {
    this.stale = new Float64Array(table.venueCount);
    this.liveUsable = new Uint8Array(table.venueCount).fill(1);
  }

  poll(time: HostTime): number {
    const uses = this.replay.uses;
    const nowNs = time[NOW_NS];
    while (this.next < uses.length && uses[this.next].tickRecvTsNs - LEAD_NS <= nowNs) {
      const tickNs = uses[this.next].tickRecvTsNs;
      this.publishInForce(tickNs);
      this.mirrorLiveVenues(tickNs);
      // Every live order of this tick (a split may touch several rows) gets its own decision.
      for (; this.next < uses.length && uses[this.next].tickRecvTsNs === tickNs; this.next++) {
        const u = uses[this.next];
        const split = u.decidedNs > 0 ? this.replay.history.at(u.row, u.decidedNs) : null;
        if (split === null) this.table.publish(u.row, this.stale, Number.NEGATIVE_INFINITY);
        else this.table.publish(u.row, split, u.decidedNs);
      }
    }
    return 0;
  }

  /**
   * Every row the replay decided gets its latest decision before `tsNs`, stamped `tsNs`: the live
   * policy re-decided every row at least every 10 ms, so it was that fresh (the history keeps
   * only changes).
   */
  private publishInForce(tsNs: number): void {
    const h = this.replay.history;
    for (let row = 0; row < this.table.rows; row++) {
      const split = h.at(row, tsNs);
      if (split !== null) this.table.publish(row, split, tsNs);
    }
  }

  /** Sets every venue's flags to live's state as of `tsNs`, over whatever the backtest's own breakers set. */
  private mirrorLiveVenues(tsNs: number): void {
    const changes = this.replay.venueChanges;
    for (; this.nextChange < changes.length && changes[this.nextChange].tsNs <= tsNs; this.nextChange++) {
      const c = changes[this.nextChange];
      this.liveUsable[c.venueId] = c.usable ? 1 : 0;
    }
    for (let v = 0; v < this.liveUsable.length; v++) {
      const usable = this.liveUsable[v] === 1;
      this.venues.setVenueFlag(v, VenueFlag.latencySpike, !usable);
      if (usable) this.venues.setVenueFlag(v, VenueFlag.outage, false);
    }
  }

  hasWork(): boolean {
    return false;
  }

  lowerDue(time: HostTime): void {
    const uses = this.replay.uses;
    if (this.next < uses.length) lowerDueNs(time, uses[this.next].tickRecvTsNs - LEAD_NS);
  }

  close(): void {}
}
