/** The recorded ticks as a MarketSource, each due at its receive stamp on the simulated clock. */
import type { MarketSource } from '../market/market-source.js';
import type { Tick } from '../shm/records.js';
import type { BacktestData } from './backtest-data.js';

export class TableFeed implements MarketSource {
  private i = 0;
  private readonly recvTs: Float64Array;

  constructor(private readonly data: BacktestData) {
    const recv = data.ticks.column('recvTsNs');
    const exch = data.ticks.column('exchTsNs');
    for (let k = 0; k < recv.length; k++) if (!(recv[k] > 0)) recv[k] = exch[k];
    this.recvTs = recv;
  }

  get delivered(): number {
    return this.i;
  }

  /** Receive stamp of the first and last tick (0 when there are none). */
  get firstTsNs(): number {
    return this.recvTs.length > 0 ? this.recvTs[0] : 0;
  }

  get lastTsNs(): number {
    return this.recvTs.length > 0 ? this.recvTs[this.recvTs.length - 1] : 0;
  }

  nextDueNs(): number {
    return this.i < this.recvTs.length ? this.recvTs[this.i] : Number.POSITIVE_INFINITY;
  }

  poll(nowNs: number, out: Tick): boolean {
    if (this.i >= this.recvTs.length || this.recvTs[this.i] > nowNs) return false;
    this.data.ticks.read(this.i, out);
    out.recvTsNs = this.recvTs[this.i++];
    out.ingestTsNs = 0;
    return true;
  }
}
