/**
 * Keeps one daemon's allowance of the cluster's global portfolio budget ahead of its exposure, off
 * the hot path: every `intervalMs` it reads the exposure risk published, reserves another chunk
 * when fewer than two chunks are idle, gives a chunk back when more than four are (other shards
 * may need it), and publishes what it holds for risk to check against. A chunk should be at least
 * one order's notional. The reservation is the
 * shard's, not the process's: a daemon that takes the shard over (after replaying its journal)
 * inherits what its positions still use.
 */
import type { GlobalBudget } from './global-budget.js';

export interface BudgetCells {
  /** Exposure risk last published, USD. */
  exposure(): number;
  /** Publishes the allowance held, USD. */
  publishGranted(usd: number): void;
}

/** Reserve another chunk when fewer than this many are idle (an order never waits for one). */
const IDLE_CHUNKS_WANTED = 2;
/** Give a chunk back when more than this many are idle. */
const IDLE_CHUNKS_KEPT = 4;

export class BudgetKeeper {
  granted = 0;
  /** The cluster's limit: set by the first daemon that found no budget (a later config does not change it). */
  limitUsd = 0;
  refills = 0;
  releases = 0;
  /** Steps that failed (the cluster did not answer): the allowance stays as it was, risk checks against it. */
  failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly budget: GlobalBudget,
    readonly owner: string,
    readonly chunkUsd: number,
    private readonly cells: BudgetCells,
  ) {}

  /** What the shard held already (a restart or a takeover), then a first chunk; then every `intervalMs`. */
  async start(limitUsd: number, intervalMs: number): Promise<void> {
    const state = await this.budget.init(limitUsd);
    this.limitUsd = state.limit;
    this.granted = state.held[this.owner] ?? 0;
    await this.adjust();
    this.cells.publishGranted(this.granted);
    this.timer = setInterval(() => void this.adjust(), intervalMs);
  }

  /** One refill or release step; never two at once. */
  async adjust(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const idle = this.granted - this.cells.exposure();
      if (idle < IDLE_CHUNKS_WANTED * this.chunkUsd) {
        const got = await this.budget.reserve(this.owner, this.chunkUsd);
        if (got > 0) this.refills++;
        this.granted += got;
      } else if (idle > IDLE_CHUNKS_KEPT * this.chunkUsd) {
        // Lower what risk may use first, then give it back: risk never holds more than reserved.
        this.granted -= this.chunkUsd;
        this.cells.publishGranted(this.granted);
        this.granted += this.chunkUsd - (await this.budget.release(this.owner, this.chunkUsd));
        this.releases++;
      }
      this.cells.publishGranted(this.granted);
    } catch {
      this.failures++;
      this.cells.publishGranted(this.granted);
    } finally {
      this.busy = false;
    }
  }

  /** Takes over what `owner` (a shard this daemon took over) held: only after its journal is replayed. */
  async inherit(owner: string): Promise<number> {
    while (this.busy) await new Promise((r) => setTimeout(r, 5));
    this.busy = true;
    try {
      const moved = await this.budget.transfer(owner, this.owner);
      this.granted += moved;
      this.cells.publishGranted(this.granted);
      return moved;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Stops refilling and gives back what `settledExposureUsd` (the positions left once open orders
   * are cancelled) does not use; the positions keep theirs.
   */
  async stop(settledExposureUsd: number): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    while (this.busy) await new Promise((r) => setTimeout(r, 5));
    const idle = Math.max(0, this.granted - settledExposureUsd);
    this.cells.publishGranted(this.granted - idle);
    this.granted -= await this.budget.release(this.owner, idle).catch(() => 0);
  }
}
