/**
 * Decides ahead of the orders: keeps a copy of the venues' tops (the quote table ingest
 * publishes), and whenever tops, latency forecasts or our own order flow changed, builds the
 * policy's observation for every wanted routing-table row (routing-table.ts), runs one batched
 * inference and publishes each row's split. Runs beside the order path (the predict host).
 * With nothing changed it still re-decides every `maxUnchangedNs`, since quote ages and our
 * order rate move with time alone.
 */
import type { Tensor } from 'onnxruntime-node';
import type { Clock } from '../core/clock.js';
import { BookTops } from '../market/book-tops.js';
import { QuoteCol, type QuoteTable } from '../market/quote-table.js';
import type { ForecastTable } from '../ml/forecast-table.js';
import type { OnnxPolicy } from '../ml/rl/onnx-policy.js';
import { RoutingFeatures } from '../ml/rl/routing-features.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import type { CounterSignals } from './counter-signals.js';
import type { RoutingTable } from './routing-table.js';

export interface PolicyTableOptions {
  /** Re-decide at least this often even when no input changed, ns. */
  readonly maxUnchangedNs: number;
  /** Called once when onnxruntime fails to run the policy (the table then ages out: the fallback routes). */
  readonly onFailure?: (err: Error) => void;
}

export class PolicyTableBuilder {
  private readonly book: BookTops;
  private readonly features: RoutingFeatures;
  private readonly quote = new Float64Array(5);
  private readonly quoteVersions: Float64Array;
  private readonly forecastVersions: Float64Array;
  private readonly decidedHints: Float64Array;
  private readonly wanted: Int32Array;
  private readonly obs: Float32Array;
  /** Input and output tensors for a batch of n rows, at index n - 1, made on first use. */
  private readonly tensors: ({ input: Tensor; output: Tensor } | undefined)[];
  private readonly weights: Float64Array;
  private readonly lastDecidedNs = new Float64Array(1);
  private failure: Error | null = null;
  private hintsChanged = false;
  private maskSymbol = 0;
  private maskSide = 1;
  private readonly usable = (v: number): boolean => {
    const i = this.book.index(this.maskSymbol, v);
    const px = this.maskSide > 0 ? this.book.askPx[i] : this.book.bidPx[i];
    return px > 0 && this.venues.venueUsable(v);
  };
  private readonly refreshSlot: number;
  refreshes = 0;

  constructor(
    private readonly policy: OnnxPolicy,
    private readonly quotes: QuoteTable,
    private readonly forecasts: ForecastTable,
    private readonly signals: CounterSignals,
    private readonly table: RoutingTable,
    private readonly venues: { venueUsable(venueId: number): boolean },
    feeBps: Float64Array,
    private readonly clock: Clock,
    private readonly metrics: PipelineMetrics,
    private readonly opts: PolicyTableOptions,
  ) {
    const { symbolCount, venueCount } = table;
    if (policy.venueCount !== venueCount)
      throw new Error(
        `policy ${policy.kind} was trained for ${policy.venueCount} venues, the run has ${venueCount}`,
      );
    this.book = new BookTops(symbolCount, venueCount);
    this.features = new RoutingFeatures(symbolCount, venueCount, feeBps);
    if (this.features.size !== policy.obsSize)
      throw new Error(
        `policy ${policy.kind} expects ${policy.obsSize} features, this build makes ${this.features.size}`,
      );
    this.quoteVersions = new Float64Array(symbolCount * venueCount);
    this.forecastVersions = new Float64Array(venueCount);
    this.decidedHints = new Float64Array(table.rows);
    this.wanted = new Int32Array(table.rows);
    this.obs = new Float32Array(table.rows * policy.obsSize);
    this.tensors = new Array(table.rows);
    this.weights = new Float64Array(venueCount);
    this.lastDecidedNs[0] = Number.NEGATIVE_INFINITY;
    this.refreshSlot = metrics.slot('policy_table_refreshes');
  }

  /** The error onnxruntime failed with, or null while the policy decides. */
  get failed(): Error | null {
    return this.failure;
  }

  /**
   * Re-decides every wanted row when an input changed since the last refresh or `maxUnchangedNs`
   * passed; returns the rows decided (0: nothing to do).
   */
  refresh(nowNs: number): number {
    if (this.failure !== null) return 0;
    let changed = this.readQuotes();
    changed = this.readForecastVersions() || changed;
    changed = this.signals.update(nowNs) || changed;
    const n = this.collectWanted();
    if (n === 0) return 0;
    changed = this.hintsChanged || changed;
    if (!changed && nowNs - this.lastDecidedNs[0] < this.opts.maxUnchangedNs) return 0;
    return this.decide(n, nowNs);
  }

  /** True once some order asked for a decision (the table has rows to keep fresh). */
  get active(): boolean {
    return this.lastDecidedNs[0] > Number.NEGATIVE_INFINITY;
  }

  /** Copies every quote published since the last refresh into the private book; true when any was. */
  private readQuotes(): boolean {
    const { symbolCount, venueCount } = this.table;
    let changed = false;
    for (let s = 0; s < symbolCount; s++)
      for (let v = 0; v < venueCount; v++) {
        const k = s * venueCount + v;
        const version = this.quotes.version(s, v);
        if (version === this.quoteVersions[k]) continue;
        if (!this.quotes.read(s, v, this.quote)) continue;
        this.quoteVersions[k] = version;
        this.applyQuote(s, v);
        changed = true;
      }
    return changed;
  }

  private applyQuote(symbolId: number, venueId: number): void {
    const b = this.book;
    const i = b.index(symbolId, venueId);
    b.bidPx[i] = this.quote[QuoteCol.bidPx];
    b.askPx[i] = this.quote[QuoteCol.askPx];
    b.bidQty[i] = this.quote[QuoteCol.bidQty];
    b.askQty[i] = this.quote[QuoteCol.askQty];
    this.features.onQuote(symbolId, venueId, this.quote[QuoteCol.tsNs], this.book);
  }

  private readForecastVersions(): boolean {
    let changed = false;
    for (let v = 0; v < this.forecastVersions.length; v++) {
      const version = this.forecasts.table.version(v);
      if (version === this.forecastVersions[v]) continue;
      this.forecastVersions[v] = version;
      changed = true;
    }
    return changed;
  }

  /**
   * Lists the rows some order asked for whose symbol has a mid; returns how many, and notes in
   * `hintsChanged` whether a row is new or asks for another size than it was decided for.
   */
  private collectWanted(): number {
    let n = 0;
    this.hintsChanged = false;
    for (let row = 0; row < this.table.rows; row++) {
      const hint = this.table.qtyHint(row);
      if (!(hint > 0)) continue;
      if (!(this.book.mid(this.table.symbolOfRow(row)) > 0)) continue;
      if (hint !== this.decidedHints[row]) this.hintsChanged = true;
      this.wanted[n++] = row;
    }
    return n;
  }

  private decide(n: number, nowNs: number): number {
    const start = this.clock.nowNs();
    const size = this.policy.obsSize;
    for (let k = 0; k < n; k++) {
      const row = this.wanted[k];
      const s = this.table.symbolOfRow(row);
      const hint = this.table.qtyHint(row);
      this.decidedHints[row] = hint;
      const side = this.table.sideOfRow(row);
      const mid = this.book.mid(s);
      this.features.write(
        s,
        side,
        hint,
        mid,
        nowNs,
        this.book,
        this.forecasts,
        this.signals,
        this.obs,
        k * size,
      );
    }
    const t = this.tensorsFor(n);
    let scores: Float32Array;
    try {
      scores = this.policy.scoresInto(t.input, t.output);
    } catch (err) {
      this.fail(err);
      return 0;
    }
    for (let k = 0; k < n; k++) {
      const row = this.wanted[k];
      this.maskSymbol = this.table.symbolOfRow(row);
      this.maskSide = this.table.sideOfRow(row);
      this.policy.decide(scores, k, this.usable, this.weights);
      this.table.publish(row, this.weights, nowNs);
    }
    this.lastDecidedNs[0] = nowNs;
    this.refreshes++;
    this.metrics.counters.add(this.refreshSlot, 1);
    this.metrics.hist.policy_inference.observe(this.clock.nowNs() - start);
    return n;
  }

  private tensorsFor(n: number): { input: Tensor; output: Tensor } {
    let t = this.tensors[n - 1];
    if (t === undefined) {
      t = this.policy.tensorsFor(this.obs, n);
      this.tensors[n - 1] = t;
    }
    return t;
  }

  private fail(err: unknown): void {
    if (this.failure !== null) return;
    this.failure = err instanceof Error ? err : new Error(String(err));
    this.opts.onFailure?.(this.failure);
  }
}
