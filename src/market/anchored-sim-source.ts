/**
 * `--source finnhub`: paper trading on live prices. Finnhub sends trades, not quotes, while the
 * strategies, the risk reference price and the simulated venues all work from quotes; so each
 * Finnhub trade moves the simulated market's efficient price for its symbol, and the simulated
 * venues quote (and fill) around the real price with their own spread, depth, noise and lag.
 * The feed's counts (frames, trades, malformed, reconnects) are published to the shared counters.
 */
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import { type Tick, TickCodec } from '../shm/records.js';
import type { FinnhubSource } from './finnhub/finnhub-source.js';
import type { MarketSource } from './market-source.js';
import type { SimMarket } from './sim-market.js';

/** Feed counters are refreshed every this many polls (they are monitoring, not hot-path state). */
const STATS_EVERY_POLLS = 1024;

export class AnchoredSimSource implements MarketSource {
  readonly eventDriven = true;
  private readonly trade: Tick = TickCodec.create();
  private polls = 0;
  private readonly slots: Int32Array;

  constructor(
    private readonly sim: SimMarket,
    private readonly feed: FinnhubSource,
    private readonly metrics: PipelineMetrics,
  ) {
    this.slots = Int32Array.from(
      ['feed_messages', 'feed_trades', 'feed_reconnects', 'tick_reject_malformed', 'tick_reject_oversized'],
      (n) => metrics.slot(n),
    );
  }

  poll(nowNs: number, out: Tick): boolean {
    while (this.feed.poll(nowNs, this.trade)) this.sim.anchor(this.trade.symbolId, this.trade.lastPx, nowNs);
    if (++this.polls % STATS_EVERY_POLLS === 0) this.publishStats();
    return this.sim.poll(nowNs, out);
  }

  nextDueNs(): number {
    return this.feed.queued > 0 ? 0 : this.sim.nextDueNs();
  }

  private publishStats(): void {
    const c = this.metrics.counters;
    const st = this.feed.stats;
    const rejects = this.feed.normalizer.rejects;
    c.set(this.slots[0], st.messages);
    c.set(this.slots[1], this.feed.normalizer.ticks);
    c.set(this.slots[2], st.reconnects);
    c.set(this.slots[3], rejects.malformed);
    c.set(this.slots[4], rejects.oversized);
  }

  close(): Promise<void> {
    this.publishStats();
    return this.feed.close();
  }
}
