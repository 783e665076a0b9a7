/**
 * The venue world's side of an IOC of ours (the routing environment's venue): it meets the
 * venue's true touch on the tape as it stands when the order arrives, net of what our earlier
 * orders took from that same book state (the tape's book index is the touch's version).
 */
import type { IocFill } from './ioc-match.js';
import type { TouchConsumption } from './touch-consumption.js';
import type { WorldTape } from './world-tape.js';

/** Matches `qty` of `side` limited at `limitTicks` at venue `v` of `tape`, arriving at `arriveNs`. */
export function matchOnTape(
  tape: WorldTape,
  consumption: TouchConsumption,
  v: number,
  side: number,
  qty: number,
  limitTicks: number,
  arriveNs: number,
  commit: boolean,
  out: IocFill,
): IocFill {
  const i = tape.bookIndexAt(v, arriveNs);
  const b = tape.books[v];
  const touch = side > 0 ? b.ask.data[i] : b.bid.data[i];
  const touchQty = side > 0 ? b.askQty.data[i] : b.bidQty.data[i];
  return consumption.matchIoc(v, side, qty, limitTicks, touch, touchQty, i, commit, out);
}
