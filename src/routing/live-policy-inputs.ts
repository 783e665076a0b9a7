/**
 * The live side of the policy's inputs: at each refresh, copies into the builder's snapshot
 * (policy-inputs.ts) what changed in shared memory since the last one: quotes ingest published,
 * forecasts predict published, our order flow counts, the sizes orders asked for, usable venues,
 * and which decision the newest order of each row used. Runs beside the order path.
 */
import type { QuoteTable } from '../market/quote-table.js';
import { FORECAST_COLS, type ForecastTable } from '../ml/forecast-table.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import { COUNT_COLS, PolicyInputCodec, type PolicyInputSnapshot } from './policy-inputs.js';
import type { RoutingTable } from './routing-table.js';

/** Where the builder's inputs come from: shared memory live, a logged run in a backtest. */
export interface PolicyInputSource {
  /** Applies to `snap` what changed since the last call; true when a quote, forecast or count did. */
  read(nowNs: number, snap: PolicyInputSnapshot): boolean;
}

const MISS_STATUSES = ['rejected', 'cancelled', 'expired'] as const;

export class LivePolicyInputs implements PolicyInputSource {
  private readonly quote = new Float64Array(5);
  private readonly forecastRow = new Float64Array(FORECAST_COLS);
  private readonly use = PolicyInputCodec.create();
  private readonly quoteVersions: Float64Array;
  private readonly forecastVersions: Float64Array;
  private readonly routedSlots: Int32Array;
  private readonly filledSlots: Int32Array;
  private readonly missedSlots: Int32Array[];

  constructor(
    private readonly quotes: QuoteTable,
    private readonly forecasts: ForecastTable,
    private readonly metrics: PipelineMetrics,
    private readonly table: RoutingTable,
    private readonly venues: { venueUsable(venueId: number): boolean },
  ) {
    const { symbolCount, venueCount } = table;
    this.quoteVersions = new Float64Array(symbolCount * venueCount);
    this.forecastVersions = new Float64Array(venueCount);
    this.routedSlots = metrics.slots(venueCount, (v) => `venue_${v}_routed`);
    this.filledSlots = metrics.slots(venueCount, (v) => `venue_${v}_orders_filled`);
    this.missedSlots = MISS_STATUSES.map((s) => metrics.slots(venueCount, (v) => `venue_${v}_orders_${s}`));
  }

  read(_nowNs: number, snap: PolicyInputSnapshot): boolean {
    let changed = this.readQuotes(snap);
    changed = this.readForecasts(snap) || changed;
    changed = this.readCounts(snap) || changed;
    this.readHints(snap);
    this.readUsable(snap);
    this.readUses(snap);
    return changed;
  }

  private readQuotes(snap: PolicyInputSnapshot): boolean {
    const { symbolCount, venueCount } = this.table;
    let changed = false;
    for (let s = 0; s < symbolCount; s++)
      for (let v = 0; v < venueCount; v++) {
        const k = s * venueCount + v;
        const version = this.quotes.version(s, v);
        if (version === this.quoteVersions[k]) continue;
        if (!this.quotes.read(s, v, this.quote)) continue;
        this.quoteVersions[k] = version;
        snap.setQuote(s, v, this.quote);
        changed = true;
      }
    return changed;
  }

  private readForecasts(snap: PolicyInputSnapshot): boolean {
    let changed = false;
    for (let v = 0; v < this.forecastVersions.length; v++) {
      const version = this.forecasts.table.version(v);
      if (version === this.forecastVersions[v]) continue;
      this.forecastVersions[v] = this.forecasts.table.readRow(v, this.forecastRow);
      snap.setForecast(v, this.forecastRow);
      changed = true;
    }
    return changed;
  }

  private readCounts(snap: PolicyInputSnapshot): boolean {
    const c = this.metrics.counters;
    let changed = false;
    for (let v = 0; v < this.routedSlots.length; v++) {
      const routed = c.get(this.routedSlots[v]);
      const filled = c.get(this.filledSlots[v]);
      let missed = 0;
      for (let k = 0; k < this.missedSlots.length; k++) missed += c.get(this.missedSlots[k][v]);
      const i = v * COUNT_COLS;
      if (routed === snap.counts[i] && filled === snap.counts[i + 1] && missed === snap.counts[i + 2])
        continue;
      snap.setCounts(v, routed, filled, missed);
      changed = true;
    }
    return changed;
  }

  private readHints(snap: PolicyInputSnapshot): void {
    for (let row = 0; row < this.table.rows; row++) {
      const hint = this.table.qtyHint(row);
      if (hint !== snap.hints[row]) snap.setHint(row, hint);
    }
  }

  private readUsable(snap: PolicyInputSnapshot): void {
    for (let v = 0; v < snap.usable.length; v++) {
      const usable = this.venues.venueUsable(v);
      if (usable !== (snap.usable[v] === 1)) snap.setUsable(v, usable);
    }
  }

  private readUses(snap: PolicyInputSnapshot): void {
    const ring = this.table.uses;
    const n = ring.available();
    if (n === 0) return;
    for (let i = 0; i < n; i++) {
      PolicyInputCodec.read(ring.f64, ring.i32, ring.next(), this.use);
      snap.noteUse(this.use.index, this.use.a, this.use.b);
    }
    ring.release();
  }
}
