/**
 * Serves a trained routing policy (DQN or PPO, ONNX) in the route stage through onnxruntime-node.
 *
 * The route stage is synchronous; `session.run` is not (onnxruntime-node runs it on a later turn
 * of the event loop). So decisions are deferred, never faked: `submit` writes the order's
 * observation into the next row of a batch and keeps the order pending; `flush` (once per route
 * poll) runs one inference over every row submitted since the last; when it resolves the
 * decisions are ready and the route stage completes the orders on its next poll, at the venues'
 * quotes of that moment. The route host yields to its event loop while an inference is in flight
 * (`inFlight`), so a decision costs one inference plus one event-loop turn (bench/policy.bench.ts).
 * When the pending queue is full, the fallback router decides at once: an order is never lost.
 */
import type { BookTops } from '../market/book-tops.js';
import type { OnnxPolicy } from '../ml/rl/onnx-policy.js';
import { RoutingFeatures, type RoutingSignals } from '../ml/rl/routing-features.js';
import type { Tick } from '../shm/records.js';
import type { OrderIntent } from '../strategies/strategy.js';
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

export class PolicyRouter implements RoutingSignals {
  readonly name: string;
  readonly features: RoutingFeatures;
  private readonly rows: Float32Array[];
  private readonly pending: PendingOrder[][];
  private readonly counts = new Int32Array(2);
  /** Which of the two batches fills while the other is under inference. */
  private filling = 0;
  private running = false;
  private readyCount = 0;
  private readyTaken = 0;
  private readonly rateHz: Float64Array;
  private readonly lastOrderNs: Float64Array;
  private readonly fill: Float64Array;
  private failure: Error | null = null;
  decisions = 0;
  fallbacks = 0;

  constructor(
    readonly policy: OnnxPolicy,
    symbolCount: number,
    readonly venueCount: number,
    feeBps: Float64Array,
    private readonly fallback: Router,
    readonly capacity = 64,
  ) {
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
    this.rows = [0, 1].map(() => new Float32Array(capacity * policy.obsSize));
    this.pending = [0, 1].map(() =>
      Array.from({ length: capacity }, () => ({
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
      })),
    );
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
   * Queues the intent for a decision; returns true when queued, false when the queue is full
   * (then `fallbackVenue` decides now).
   */
  submit(intent: OrderIntent, tick: Tick, ctx: RouteContext, nowNs: number): boolean {
    const b = this.filling;
    const n = this.counts[b];
    if (n >= this.capacity) return false;
    const p = this.pending[b][n];
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
      this.rows[b],
      n * this.policy.obsSize,
    );
    this.counts[b] = n + 1;
    return true;
  }

  fallbackVenue(intent: OrderIntent, ctx: RouteContext): number {
    this.fallbacks++;
    return this.fallback.route(intent, ctx);
  }

  /** True while an inference runs: the host should turn its event loop so it can finish. */
  get inFlight(): boolean {
    return this.running;
  }

  /** Decisions ready to be completed. */
  get ready(): number {
    return this.readyCount - this.readyTaken;
  }

  /** Starts one inference over the queued rows unless one is running; `ctx` masks venues without a quote. */
  flush(ctx: RouteContext): void {
    if (this.failure) throw this.failure;
    if (this.running || this.ready > 0 || this.counts[this.filling] === 0) return;
    const b = this.filling;
    const n = this.counts[b];
    this.filling = 1 - b;
    this.running = true;
    this.policy.scores(this.rows[b].subarray(0, n * this.policy.obsSize), n).then(
      (scores) => {
        for (let k = 0; k < n; k++) {
          const p = this.pending[b][k];
          const book = ctx.book;
          this.policy.decide(scores, k, (v) => quoting(book, p, v) && ctx.venues.venueUsable(v), p.weights);
        }
        this.decisions += n;
        this.readyCount = n;
        this.readyTaken = 0;
        this.running = false;
      },
      (err: unknown) => {
        this.failure = err instanceof Error ? err : new Error(String(err));
        this.running = false;
      },
    );
  }

  /** The next decided order (its split in `weights`), or null; call until null after each poll. */
  takeReady(): PendingOrder | null {
    if (this.readyTaken >= this.readyCount) return null;
    const b = 1 - this.filling;
    const p = this.pending[b][this.readyTaken++];
    if (this.readyTaken >= this.readyCount) {
      this.counts[b] = 0;
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
