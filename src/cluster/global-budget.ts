/**
 * A global limit (portfolio notional, open orders, order rate, loss) shared by the cluster's
 * daemons as allowances: one KV key per limit holds the limit and what each daemon has reserved.
 * A daemon reserves a chunk by compare-and-set (retried on a concurrent write), so the sum of
 * reservations never exceeds the limit; it then checks its orders locally against what it holds
 * (LocalAllowance), with no round trip on the order path. A dead daemon's reservation stays
 * counted until `releaseFor` is called for it, which the cluster does only after that daemon's
 * journal has been replayed (its positions are known again).
 */
import type { KV } from '@nats-io/kv';

export const BUDGET_BUCKET = 'hft-budget';
/** Compare-and-set attempts before a reservation gives up (each lost race re-reads the entry). */
const CAS_ATTEMPTS = 32;
const INIT_WAIT_MS = 10_000;

export interface BudgetState {
  readonly limit: number;
  /** Reserved amount per daemon id. */
  readonly held: Record<string, number>;
}

export function reservedTotal(state: BudgetState): number {
  return Object.values(state.held).reduce((a, b) => a + b, 0);
}

export class GlobalBudget {
  constructor(
    private readonly kv: KV,
    readonly name: string,
  ) {}

  /**
   * Sets the limit if the key does not exist yet (the first daemon up); returns the state. A
   * create refused because another daemon created it first, or a read served by a replica that has
   * not applied that create yet, is retried for up to INIT_WAIT_MS.
   */
  async init(limit: number): Promise<BudgetState> {
    const fresh: BudgetState = { limit, held: {} };
    const deadline = Date.now() + INIT_WAIT_MS;
    for (;;) {
      const created = await this.kv.create(this.name, JSON.stringify(fresh)).then(
        () => true,
        () => false,
      );
      if (created) return fresh;
      const e = await this.kv.get(this.name).catch(() => null);
      if (e !== null && e.operation === 'PUT') return JSON.parse(e.string()) as BudgetState;
      if (Date.now() > deadline) throw new Error(`budget ${this.name}: could neither create nor read it`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async read(): Promise<{ state: BudgetState; revision: number }> {
    const e = await this.kv.get(this.name);
    if (e === null || e.operation !== 'PUT') throw new Error(`budget ${this.name}: not initialised`);
    return { state: JSON.parse(e.string()) as BudgetState, revision: e.revision };
  }

  /**
   * Reserves up to `amount` for `owner` without the sum of reservations passing the limit;
   * returns what was granted (0 when the budget is used up).
   */
  async reserve(owner: string, amount: number): Promise<number> {
    return await this.change((state) => {
      const grant = Math.max(0, Math.min(amount, state.limit - reservedTotal(state)));
      return { grant, held: { ...state.held, [owner]: (state.held[owner] ?? 0) + grant } };
    });
  }

  /** Gives back up to `amount` of `owner`'s reservation; returns what was released. */
  async release(owner: string, amount: number): Promise<number> {
    return await this.change((state) => {
      const give = Math.max(0, Math.min(amount, state.held[owner] ?? 0));
      const held = { ...state.held, [owner]: (state.held[owner] ?? 0) - give };
      if (held[owner] === 0) delete held[owner];
      return { grant: give, held };
    });
  }

  /** Releases everything `owner` holds: only once its journal has been replayed. */
  async releaseFor(owner: string): Promise<number> {
    return await this.release(owner, Number.POSITIVE_INFINITY);
  }

  /**
   * Moves everything `from` holds to `to` in one compare-and-set (the sum does not change): a
   * daemon that took over `from`'s shard, once its journal is replayed, holds what its positions
   * use. Returns what was moved.
   */
  async transfer(from: string, to: string): Promise<number> {
    return await this.change((state) => {
      const moved = state.held[from] ?? 0;
      const held = { ...state.held, [to]: (state.held[to] ?? 0) + moved };
      delete held[from];
      return { grant: moved, held };
    });
  }

  private async change(
    next: (state: BudgetState) => { grant: number; held: Record<string, number> },
  ): Promise<number> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const { state, revision } = await this.read();
      const { grant, held } = next(state);
      if (grant === 0) return 0;
      try {
        await this.kv.update(this.name, JSON.stringify({ limit: state.limit, held }), revision);
        return grant;
      } catch {
        // Another daemon wrote first: read again and retry, after a short random pause.
        await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
      }
    }
    throw new Error(`budget ${this.name}: ${CAS_ATTEMPTS} compare-and-set attempts lost`);
  }
}

/**
 * What one daemon holds of a global limit, checked on the order path without a round trip:
 * `tryUse` succeeds only within what has been granted. When what is left falls under
 * `refillBelow`, the daemon asks for another `chunk` in the background.
 */
export class LocalAllowance {
  granted = 0;
  used = 0;
  private refilling = false;
  refills = 0;

  constructor(
    private readonly budget: GlobalBudget,
    private readonly owner: string,
    readonly chunk: number,
    private readonly refillBelow: number,
  ) {}

  get left(): number {
    return this.granted - this.used;
  }

  /** Uses `amount` if granted; false (nothing used) otherwise. Starts a refill when running low. */
  tryUse(amount: number): boolean {
    const ok = amount <= this.left;
    if (ok) this.used += amount;
    if (this.left < this.refillBelow || !ok) void this.refill();
    return ok;
  }

  /** Returns `amount` to the local allowance (an order that ended without using its reservation). */
  giveBack(amount: number): void {
    this.used = Math.max(0, this.used - amount);
  }

  async refill(): Promise<number> {
    if (this.refilling) return 0;
    this.refilling = true;
    try {
      const got = await this.budget.reserve(this.owner, this.chunk);
      this.granted += got;
      if (got > 0) this.refills++;
      return got;
    } finally {
      this.refilling = false;
    }
  }
}
