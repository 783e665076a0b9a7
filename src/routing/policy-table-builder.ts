/**
 * Decides ahead of the orders: keeps a snapshot of its inputs (policy-inputs.ts: the venues'
 * tops, the forecasts, our order flow; copied from shared memory live, from a logged run in a
 * backtest), and whenever tops, latency forecasts or our own order flow changed, builds the
 * policy's observation for every wanted routing-table row (routing-table.ts), runs one batched
 * inference and publishes each row's split. Runs beside the order path (the predict host).
 * With nothing changed it still re-decides every `maxUnchangedNs`, since quote ages and our
 * order rate move with time alone.
 */
import type { Tensor } from 'onnxruntime-node';
import type { Clock } from '../core/clock.js';
import type { OnnxPolicy } from '../ml/rl/onnx-policy.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import type { SpscRing } from '../shm/spsc-ring.js';
import { CounterSignals } from './counter-signals.js';
import type { PolicyInputSource } from './live-policy-inputs.js';
import { PolicyInputSnapshot } from './policy-inputs.js';
import type { RoutingTable } from './routing-table.js';

export interface PolicyTableOptions {
  /** Re-decide at least this often even when no input changed, ns. */
  readonly maxUnchangedNs: number;
  /** Called once when onnxruntime fails to run the policy (the table then ages out: the fallback routes). */
  readonly onFailure?: (err: Error) => void;
  /** Where every input the policy reads is logged, for a backtest to replay (null: not logged). */
  readonly log?: SpscRing | null;
}

export class PolicyTableBuilder {
  /** The inputs as of the last refresh: all a decision reads. */
  readonly inputs: PolicyInputSnapshot;
  private readonly signals: CounterSignals;
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
    const book = this.inputs.book;
    const i = book.index(this.maskSymbol, v);
    const px = this.maskSide > 0 ? book.askPx[i] : book.bidPx[i];
    return px > 0 && this.inputs.venueUsable(v);
  };
  private readonly refreshSlot: number;
  refreshes = 0;

  constructor(
    private readonly policy: OnnxPolicy,
    private readonly source: PolicyInputSource,
    private readonly table: RoutingTable,
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
    this.inputs = new PolicyInputSnapshot(symbolCount, venueCount, table.rows, feeBps, opts.log ?? null);
    if (this.inputs.features.size !== policy.obsSize)
      throw new Error(
        `policy ${policy.kind} expects ${policy.obsSize} features, this build makes ${this.inputs.features.size}`,
      );
    this.signals = new CounterSignals(venueCount);
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
    const inputs = this.inputs;
    inputs.beginPoll(nowNs);
    let changed = this.source.read(nowNs, inputs);
    inputs.flush();
    changed = this.signals.update(nowNs, inputs.counts) || changed;
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

  /**
   * Lists the rows some order asked for whose symbol has a mid; returns how many, and notes in
   * `hintsChanged` whether a row is new or asks for another size than it was decided for.
   */
  private collectWanted(): number {
    let n = 0;
    this.hintsChanged = false;
    for (let row = 0; row < this.table.rows; row++) {
      const hint = this.inputs.hints[row];
      if (!(hint > 0)) continue;
      if (!(this.inputs.book.mid(this.table.symbolOfRow(row)) > 0)) continue;
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
      const hint = this.inputs.hints[row];
      this.decidedHints[row] = hint;
      const side = this.table.sideOfRow(row);
      const { book, features, forecasts } = this.inputs;
      features.write(s, side, hint, book.mid(s), nowNs, book, forecasts, this.signals, this.obs, k * size);
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
