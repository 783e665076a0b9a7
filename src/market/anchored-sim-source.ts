/**
 * `--source finnhub`: paper trading on live prices. Finnhub sends trades, not quotes, while the
 * strategies, the risk reference price and the simulated venues all work from quotes; so each
 * Finnhub trade moves the simulated market's efficient price for its symbol, and the simulated
 * venues quote (and fill) around the real price with their own spread, depth, noise and lag.
 * The feed's counts (frames, trades, reconnects, and every frame or trade not used, by reason)
 * are published to the shared counters (hft_ticks_dropped_total{reason}, summary.json feed).
 */
import type { PipelineMetrics, TickRejectReason } from '../run-state/pipeline-metrics.js';
import { type Tick, TickCodec } from '../shm/records.js';
import { FINNHUB_REJECT_REASONS } from './finnhub/finnhub-normalizer.js';
import type { FinnhubSource } from './finnhub/finnhub-source.js';
import type { MarketSource } from './market-source.js';
import type { SimMarket } from './sim-market.js';

/** Feed counters are refreshed every this many polls (they are monitoring, not hot-path state). */
const STATS_EVERY_POLLS = 1024;

/** Why a Finnhub frame or trade was not used: the normalizer's reasons, error frames, queue overflow. */
export const FEED_DROP_REASONS = [
  ...FINNHUB_REJECT_REASONS,
  'server_error',
  'queue_overflow',
] as const satisfies readonly TickRejectReason[];

export class AnchoredSimSource implements MarketSource {
  readonly eventDriven = true;
  private readonly trade: Tick = TickCodec.create();
  private polls = 0;
  private readonly slots: Int32Array;
  private readonly dropSlots: Int32Array;
  /** What was last added to each drop counter (ingest adds to the same counters: deltas only). */
  private readonly dropsPublished = new Float64Array(FEED_DROP_REASONS.length);

  constructor(
    private readonly sim: SimMarket,
    private readonly feed: FinnhubSource,
    private readonly metrics: PipelineMetrics,
  ) {
    this.slots = Int32Array.from(['feed_messages', 'feed_trades', 'feed_reconnects'], (n) => metrics.slot(n));
    this.dropSlots = Int32Array.from(FEED_DROP_REASONS, (r) => metrics.slot(`tick_reject_${r}`));
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
    c.set(this.slots[0], st.messages);
    c.set(this.slots[1], this.feed.normalizer.ticks);
    c.set(this.slots[2], st.reconnects);
    FEED_DROP_REASONS.forEach((reason, i) => {
      const total = this.dropTotal(reason);
      c.add(this.dropSlots[i], total - this.dropsPublished[i]);
      this.dropsPublished[i] = total;
    });
  }

  private dropTotal(reason: (typeof FEED_DROP_REASONS)[number]): number {
    if (reason === 'server_error') return this.feed.stats.serverErrors;
    if (reason === 'queue_overflow') return this.feed.stats.queueDrops;
    return this.feed.normalizer.rejects[reason];
  }

  close(): Promise<void> {
    this.publishStats();
    return this.feed.close();
  }
}
