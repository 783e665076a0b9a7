/**
 * Live vs backtest routing, order by order: the live decisions are the recording's `decision`
 * samples (one per order handed to a venue: its venue, size and tick receive stamp, which is
 * `tsNs - latencyNs` exactly), the backtest's the orders it handed to its venues. Orders are
 * grouped by the tick that caused them; a tick's decision is the set of (venue, size) of its
 * orders. Off the tick path: plain maps.
 */
import { LatencyKind, LatencySampleCodec, type Order } from '../shm/records.js';
import type { BacktestData } from './backtest-data.js';

export interface DecisionAgreement {
  /** Ticks whose orders both runs sent. */
  compared: number;
  same: number;
  differ: number;
  /** same / compared (0 when nothing was compared). */
  share_same: number;
  /** Ticks only the live run (only the backtest) sent orders for. */
  live_only: number;
  backtest_only: number;
}

function note(map: Map<number, string[]>, tickRecvTsNs: number, venueId: number, qty: number): void {
  const key = `${venueId}:${qty}`;
  const list = map.get(tickRecvTsNs);
  if (list === undefined) map.set(tickRecvTsNs, [key]);
  else list.push(key);
}

export class DecisionComparison {
  private readonly live = new Map<number, string[]>();
  private readonly backtest = new Map<number, string[]>();

  constructor(data: BacktestData) {
    const s = LatencySampleCodec.create();
    for (let i = 0; i < data.samples.length; i++) {
      data.samples.read(i, s);
      if (s.kind === LatencyKind.decision) note(this.live, s.tsNs - s.latencyNs, s.venueId, s.orderQty);
    }
  }

  /** True when the recording holds the live decisions (a recording of a run, not `hft record`'s market only). */
  get hasLive(): boolean {
    return this.live.size > 0;
  }

  /** An order the backtest handed to its venues. */
  onSent(order: Order): void {
    note(this.backtest, order.tickRecvTsNs, order.venueId, order.qty);
  }

  agreement(): DecisionAgreement {
    let same = 0;
    let differ = 0;
    for (const [tick, live] of this.live) {
      const bt = this.backtest.get(tick);
      if (bt === undefined) continue;
      if (live.sort().join() === bt.sort().join()) same++;
      else differ++;
    }
    const compared = same + differ;
    return {
      compared,
      same,
      differ,
      share_same: compared > 0 ? Math.round((same / compared) * 1e6) / 1e6 : 0,
      live_only: this.live.size - compared,
      backtest_only: this.backtest.size - compared,
    };
  }
}

/** One line for the console and the report: how many ticks the backtest routed as live did. */
export function describeAgreement(d: DecisionAgreement): string {
  const pct = (d.share_same * 100).toFixed(1);
  return `${d.same} of ${d.compared} ticks routed as live (${pct}%); only live ${d.live_only}, only backtest ${d.backtest_only}`;
}
