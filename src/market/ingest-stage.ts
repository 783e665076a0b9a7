/**
 * Ingest: validates and normalises raw ticks, stamps their receive time and publishes the latest
 * quote per (symbol, venue). A bad tick is counted by reason and never reaches a strategy.
 */
import type { Clock } from '../core/clock.js';
import type { PipelineMetrics, TickRejectReason } from '../run-state/pipeline-metrics.js';
import { TICK_REJECT_REASONS } from '../run-state/pipeline-metrics.js';
import { type Tick, TickFlag } from '../shm/records.js';
import type { QuoteTable } from './quote-table.js';

export class IngestStage {
  private readonly rejectSlots: Record<TickRejectReason, number>;
  private readonly receivedSlot: number;
  private readonly rejectedSlot: number;
  private readonly venueTickSlots: Int32Array;
  /** Last exchange stamp per (symbol, venue), to refuse ticks that go back in time. */
  private readonly lastExchTsNs: Float64Array;

  constructor(
    private readonly symbolCount: number,
    private readonly venueCount: number,
    private readonly quotes: QuoteTable,
    private readonly clock: Clock,
    private readonly metrics: PipelineMetrics,
  ) {
    this.rejectSlots = {} as Record<TickRejectReason, number>;
    for (const r of TICK_REJECT_REASONS) this.rejectSlots[r] = metrics.slot(`tick_reject_${r}`);
    this.receivedSlot = metrics.slot('ticks_received');
    this.rejectedSlot = metrics.slot('ticks_rejected');
    this.venueTickSlots = metrics.slots(venueCount, (v) => `venue_${v}_ticks`);
    this.lastExchTsNs = new Float64Array(symbolCount * venueCount);
  }

  /**
   * Validates `tick` in place and stamps `recvTsNs` (if the source has not) and `ingestTsNs`.
   * Returns false, counting the reason, when the tick must be dropped.
   */
  onTick(tick: Tick): boolean {
    const c = this.metrics.counters;
    c.add(this.receivedSlot, 1);
    if (tick.recvTsNs === 0) tick.recvTsNs = this.clock.nowNs();
    const reason = this.validate(tick);
    if (reason !== null) {
      c.add(this.rejectedSlot, 1);
      c.add(this.rejectSlots[reason], 1);
      return false;
    }
    this.lastExchTsNs[tick.symbolId * this.venueCount + tick.venueId] = tick.exchTsNs;
    c.add(this.venueTickSlots[tick.venueId], 1);
    // Trades carry no book: only quotes move the reference price.
    if ((tick.flags & TickFlag.quote) !== 0) this.quotes.publish(tick);
    tick.ingestTsNs = this.clock.nowNs();
    this.metrics.hist.stage_ingest.observe(tick.ingestTsNs - tick.recvTsNs);
    return true;
  }

  private validate(t: Tick): TickRejectReason | null {
    if (!(t.symbolId >= 0 && t.symbolId < this.symbolCount)) return 'unknown_symbol';
    if (!(t.venueId >= 0 && t.venueId < this.venueCount)) return 'unknown_venue';
    if (t.flags & TickFlag.trade) {
      // A trade-only tick (Finnhub) carries no quote: bid/ask are 0, the price is the last trade's.
      if (!(t.lastPx > 0 && Number.isFinite(t.lastPx))) return 'bad_price';
      if (!(t.lastQty >= 0 && Number.isFinite(t.lastQty))) return 'bad_quantity';
    }
    // Anything that is not a bare trade carries a quote (a trade may update it too): check it.
    if ((t.flags & TickFlag.quote) !== 0 || (t.flags & TickFlag.trade) === 0) {
      const quoteReason = this.validateQuote(t);
      if (quoteReason !== null) return quoteReason;
    }
    if (t.exchTsNs < this.lastExchTsNs[t.symbolId * this.venueCount + t.venueId]) return 'out_of_order';
    return null;
  }

  private validateQuote(t: Tick): TickRejectReason | null {
    if (!(t.bidPx > 0 && t.askPx > 0 && Number.isFinite(t.bidPx) && Number.isFinite(t.askPx)))
      return 'bad_price';
    if (t.bidPx >= t.askPx) return 'crossed_quote';
    if (!(t.bidQty >= 0 && t.askQty >= 0 && Number.isFinite(t.bidQty) && Number.isFinite(t.askQty))) {
      return 'bad_quantity';
    }
    return null;
  }
}
