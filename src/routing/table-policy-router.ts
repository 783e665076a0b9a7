/**
 * The route stage's side of a trained policy (dqn, ppo): the order's split is read from the
 * routing table the policy filled ahead of it (routing-table.ts, policy-table-builder.ts), so
 * the order never waits for onnxruntime. When its row has no decision yet, or the table has not
 * been refreshed for `maxAgeNs` (the policy's thread stalled or onnxruntime failed), the
 * fallback router decides and the order is counted as a fallback: an order is never held back.
 */
import type { OrderIntent } from '../strategies/strategy.js';
import type { RouteContext, Router } from './router.js';
import type { RoutingTable } from './routing-table.js';

/** A routing-table decision older than this is not used: the policy's thread has stalled. */
export const POLICY_MAX_AGE_NS = 50e6;

export class TablePolicyRouter implements Router {
  /** The row read for the last order: the split, then when it was decided. */
  private readonly cell: Float64Array;
  /** How old the last decision read was, ns (a typed cell: no boxed float64 across calls). */
  readonly lastAgeNs = new Float64Array(1);
  decisions = 0;
  /** Orders routed by the fallback: no decision yet in their row. */
  undecided = 0;
  /** Orders routed by the fallback: their row's decision was older than `maxAgeNs`. */
  stale = 0;

  constructor(
    readonly name: string,
    private readonly table: RoutingTable,
    private readonly fallback: Router,
    private readonly maxAgeNs: number,
  ) {
    this.cell = new Float64Array(table.venueCount + 1);
  }

  /** The fallback's venue: for orders the table cannot decide. */
  route(intent: OrderIntent, ctx: RouteContext): number {
    return this.fallback.route(intent, ctx);
  }

  /**
   * Writes the policy's split for the order into `weights`; false when the table has no decision
   * for it younger than `maxAgeNs` (then `route` decides). Either way the row notes which
   * decision the order of the tick received at `tickRecvTsNs` used.
   */
  split(intent: OrderIntent, tickRecvTsNs: number, nowNs: number, weights: Float64Array): boolean {
    const row = this.table.rowOf(intent.symbolId, intent.side, intent.qty);
    if (!this.table.read(row, intent.qty, this.cell)) {
      this.undecided++;
      this.table.noteUse(row, tickRecvTsNs, 0);
      return false;
    }
    const decidedNs = this.cell[this.table.venueCount];
    const age = nowNs - decidedNs;
    if (age > this.maxAgeNs) {
      this.stale++;
      this.table.noteUse(row, tickRecvTsNs, 0);
      return false;
    }
    this.table.noteUse(row, tickRecvTsNs, decidedNs);
    for (let v = 0; v < weights.length; v++) weights[v] = this.cell[v];
    this.lastAgeNs[0] = age;
    this.decisions++;
    return true;
  }
}

export function isTablePolicyRouter(r: Router): r is TablePolicyRouter {
  return r instanceof TablePolicyRouter;
}
