/**
 * Serves a trained routing policy (DQN or PPO, ONNX) in the route stage through onnxruntime-node.
 *
 * `submit` writes the order's observation into the next row of a batch and keeps the order
 * pending; `flush` runs one synchronous inference over every row submitted since the last
 * (sync-onnx-session.ts: ~8 us at batch 1, into preallocated tensors) and decides each order; the
 * route stage then turns the decisions into orders at the venues' quotes (completeDecisions), in
 * the same poll that read the ticks. Batching the orders of one poll shares an inference.
 * When the batch is full the route stage flushes before submitting more; if an order still finds
 * no row, the fallback router decides at once: an order is never lost. If onnxruntime fails to
 * run the policy, the fallback decides the batch it failed on and every order after it, and
 * `onFailure` is told once.
 */
import type { Tensor } from 'onnxruntime-node';
import type { BookTops } from '../market/book-tops.js';
import { KeepWarmSchedule } from '../ml/keep-warm-schedule.js';
import type { OnnxPolicy } from '../ml/rl/onnx-policy.js';
import { RoutingFeatures, type RoutingSignals } from '../ml/rl/routing-features.js';
import { venueWeights } from '../ml/rl/split-actions.js';
import type { Tick } from '../shm/records.js';
import { MAX_INTENTS_PER_TICK, type OrderIntent } from '../strategies/strategy.js';
import type { RouteContext, Router } from './router.js';

/** An order waiting for its decision: the intent's fields and its tick's stamps. */
export interface PendingOrder {
  symbolId: number;
  side: number;
  qty: number;
  arrivalMid: number;
  type: number;
  ttlNs: number;
  tickRecvTsNs: number;
  tickIngestTsNs: number;
  submitTsNs: number;
  /** Split of the order across venues once decided. */
  readonly weights: Float64Array;
}

/** Our own order rate per venue (decayed count over a 1 s window), the load the venues see from us. */
const RATE_WINDOW_NS = 1e9;
/** Weight of the newest fill outcomes in the fill-ratio average. */
const FILL_ALPHA = 0.1;

export interface PolicyRouterOptions {
  /** Rows in a batch; default 64. */
  readonly capacity?: number;
  /** Run a throw-away inference when none ran for this long (0, the default: never); see `keepWarm`. */
  readonly warmIntervalNs?: number;
  /** Called once when onnxruntime fails to run the policy (the fallback routes from then on). */
  readonly onFailure?: (err: Error) => void;
}

export class PolicyRouter implements RoutingSignals {
  readonly name: string;
  readonly features: RoutingFeatures;
  private readonly rows: Float32Array;
  /** Input and output tensors for a batch of n rows at index n - 1, made once. */
  private readonly tensors: { input: Tensor; output: Tensor }[];
  private readonly pending: PendingOrder[];
  private queued = 0;
  /** A batch-1 input and output that no order uses, for `keepWarm`. */
  private readonly warm: { input: Tensor; output: Tensor };
  /** Throw-away inferences run to keep onnxruntime's code and data in cache. */
  warmRuns = 0;
  readonly capacity: number;
  private readonly warmSchedule: KeepWarmSchedule;
  private failure: Error | null = null;
  /** The order and context `usable` masks venues for (one closure, made once). */
  private maskOrder: PendingOrder | null = null;
  private maskCtx: RouteContext | null = null;
  private readonly usable = (v: number): boolean =>
    this.maskOrder !== null &&
    this.maskCtx !== null &&
    quoting(this.maskCtx.book, this.maskOrder, v) &&
    this.maskCtx.venues.venueUsable(v);
  private readyCount = 0;
  private readyTaken = 0;
  private readonly rateHz: Float64Array;
  private readonly lastOrderNs: Float64Array;
  private readonly fill: Float64Array;
  decisions = 0;
  fallbacks = 0;

  constructor(
    readonly policy: OnnxPolicy,
    symbolCount: number,
    readonly venueCount: number,
    feeBps: Float64Array,
    private readonly fallback: Router,
    private readonly opts: PolicyRouterOptions = {},
  ) {
    const capacity = opts.capacity ?? 64;
    this.capacity = capacity;
    this.warmSchedule = new KeepWarmSchedule(opts.warmIntervalNs ?? 0);
    if (policy.venueCount !== venueCount)
      throw new Error(
        `policy ${policy.kind} was trained for ${policy.venueCount} venues, the run has ${venueCount}`,
      );
    this.name = policy.kind;
    this.features = new RoutingFeatures(symbolCount, venueCount, feeBps);
    if (this.features.size !== policy.obsSize)
      throw new Error(
        `policy ${policy.kind} expects ${policy.obsSize} features, this build makes ${this.features.size}`,
      );
    this.rows = new Float32Array(capacity * policy.obsSize);
    this.tensors = Array.from({ length: capacity }, (_, n) => policy.tensorsFor(this.rows, n + 1));
    this.warm = policy.tensorsFor(new Float32Array(policy.obsSize), 1);
    this.pending = Array.from({ length: capacity }, () => ({
      symbolId: 0,
      side: 0,
      qty: 0,
      arrivalMid: 0,
      type: 0,
      ttlNs: 0,
      tickRecvTsNs: 0,
      tickIngestTsNs: 0,
      submitTsNs: 0,
      weights: new Float64Array(venueCount),
    }));
    this.rateHz = new Float64Array(venueCount);
    this.lastOrderNs = new Float64Array(venueCount);
    this.fill = new Float64Array(venueCount).fill(1);
  }

  onQuote(tick: Tick, book: BookTops): void {
    // Quote age is measured on this process's clock: the receive stamp (exchange stamps of a
    // replay or a live feed are on another clock).
    this.features.onQuote(
      tick.symbolId,
      tick.venueId,
      tick.recvTsNs > 0 ? tick.recvTsNs : tick.exchTsNs,
      book,
    );
  }

  /**
   * Queues the intent for a decision; returns true when queued, false when the batch is full or
   * its decisions are not taken yet (then `fallbackVenue` decides now).
   */
  submit(intent: OrderIntent, tick: Tick, ctx: RouteContext, nowNs: number): boolean {
    const n = this.queued;
    if (n >= this.capacity || this.ready > 0 || this.failure !== null) return false;
    const p = this.pending[n];
    p.symbolId = intent.symbolId;
    p.side = intent.side;
    p.qty = intent.qty;
    p.arrivalMid = intent.arrivalMid;
    p.type = intent.type;
    p.ttlNs = intent.ttlNs;
    p.tickRecvTsNs = tick.recvTsNs;
    p.tickIngestTsNs = tick.ingestTsNs;
    p.submitTsNs = nowNs;
    const mid = intent.arrivalMid > 0 ? intent.arrivalMid : ctx.book.mid(intent.symbolId);
    this.features.write(
      intent.symbolId,
      intent.side,
      intent.qty,
      mid,
      nowNs,
      ctx.book,
      ctx.forecasts,
      this,
      this.rows,
      n * this.policy.obsSize,
    );
    this.queued = n + 1;
    return true;
  }

  /** True when the next tick's intents might not all find a row: flush before it. */
  get full(): boolean {
    return this.queued > this.capacity - MAX_INTENTS_PER_TICK;
  }

  fallbackVenue(intent: OrderIntent, ctx: RouteContext): number {
    this.fallbacks++;
    return this.fallback.route(intent, ctx);
  }

  /** Decisions ready to be completed. */
  get ready(): number {
    return this.readyCount - this.readyTaken;
  }

  /**
   * Decides every queued order with one inference at `nowNs`; `ctx` masks venues without a
   * usable quote.
   */
  flush(ctx: RouteContext, nowNs: number): void {
    const n = this.queued;
    if (n === 0 || this.ready > 0) return;
    const t = this.tensors[n - 1];
    let scores: Float32Array | null = null;
    try {
      scores = this.policy.scoresInto(t.input, t.output);
    } catch (err) {
      this.fail(err);
    }
    this.warmSchedule.ran(nowNs);
    if (scores !== null) {
      this.maskCtx = ctx;
      for (let k = 0; k < n; k++) {
        this.maskOrder = this.pending[k];
        this.policy.decide(scores, k, this.usable, this.maskOrder.weights);
      }
      this.decisions += n;
    } else {
      // The orders already queued are not lost: the fallback decides them.
      for (let k = 0; k < n; k++) {
        const p = this.pending[k];
        venueWeights(this.fallback.route(p as unknown as OrderIntent, ctx), p.weights);
      }
      this.fallbacks += n;
    }
    this.queued = 0;
    this.readyCount = n;
    this.readyTaken = 0;
  }

  /**
   * When no inference ran for the warm interval (KeepWarmSchedule: one after an idle spell finds
   * onnxruntime out of cache), runs one on a row no order uses and discards it.
   */
  keepWarm(nowNs: number): void {
    if (this.failure !== null || !this.warmSchedule.due(nowNs)) return;
    this.warmSchedule.ran(nowNs);
    try {
      this.policy.scoresInto(this.warm.input, this.warm.output);
      this.warmRuns++;
    } catch (err) {
      this.fail(err);
    }
  }

  /** The error onnxruntime failed with, or null while the policy routes. */
  get failed(): Error | null {
    return this.failure;
  }

  private fail(err: unknown): void {
    if (this.failure !== null) return;
    this.failure = err instanceof Error ? err : new Error(String(err));
    this.opts.onFailure?.(this.failure);
  }

  /** When `keepWarm` next has work (+Infinity when it is off). */
  nextWarmNs(): number {
    return this.failure === null ? this.warmSchedule.nextNs() : Number.POSITIVE_INFINITY;
  }

  /** The next decided order (its split in `weights`), or null; call until null after `flush`. */
  takeReady(): PendingOrder | null {
    if (this.readyTaken >= this.readyCount) return null;
    const p = this.pending[this.readyTaken++];
    if (this.readyTaken >= this.readyCount) {
      this.readyCount = 0;
      this.readyTaken = 0;
    }
    return p;
  }

  /** Counts an order sent to a venue (our load there). */
  recordOrder(venueId: number, nowNs: number): void {
    this.rateHz[venueId] = this.orderRateHz(venueId, nowNs) + 1e9 / RATE_WINDOW_NS;
    this.lastOrderNs[venueId] = nowNs;
  }

  /** A fill outcome from the venue (filled fraction of an order). */
  recordFill(venueId: number, filledFraction: number): void {
    this.fill[venueId] += FILL_ALPHA * (filledFraction - this.fill[venueId]);
  }

  orderRateHz(venueId: number, nowNs: number): number {
    const dt = nowNs - this.lastOrderNs[venueId];
    return dt > 0 ? this.rateHz[venueId] * Math.exp(-dt / RATE_WINDOW_NS) : this.rateHz[venueId];
  }

  fillRatio(venueId: number): number {
    return this.fill[venueId];
  }
}

function quoting(book: BookTops, p: PendingOrder, v: number): boolean {
  const i = book.index(p.symbolId, v);
  return (p.side > 0 ? book.askPx[i] : book.bidPx[i]) > 0;
}

export function isPolicyRouter(r: unknown): r is PolicyRouter {
  return r instanceof PolicyRouter;
}
