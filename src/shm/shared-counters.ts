/**
 * Named float64 counters and gauges in a SharedArrayBuffer. Each slot has exactly one writing
 * thread (plain `+=`, no read-modify-write race); any thread may read. Aligned 8-byte accesses are
 * single instructions on x86-64, so a reader never sees a torn value.
 */
export interface SharedCountersHandle {
  readonly buffer: SharedArrayBuffer;
  readonly names: readonly string[];
}

export function createSharedCounters(names: readonly string[]): SharedCountersHandle {
  if (new Set(names).size !== names.length) throw new Error('shared counters: duplicate name');
  // One cache line per 8 counters; pad so counters written by different threads can be grouped.
  return { buffer: new SharedArrayBuffer(Math.max(64, Math.ceil(names.length / 8) * 64)), names };
}

export class SharedCounters {
  readonly values: Float64Array;
  private readonly index: Map<string, number>;

  constructor(readonly handle: SharedCountersHandle) {
    this.values = new Float64Array(handle.buffer);
    this.index = new Map(handle.names.map((n, i) => [n, i]));
  }

  /** Slot index for a name; resolve once at start-up, then use `add`/`set` with the index. */
  slot(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`shared counters: unknown counter ${name}`);
    return i;
  }

  add(slot: number, delta: number): void {
    this.values[slot] += delta;
  }

  set(slot: number, value: number): void {
    this.values[slot] = value;
  }

  get(slot: number): number {
    return this.values[slot];
  }

  byName(name: string): number {
    return this.values[this.slot(name)];
  }

  /** Plain snapshot keyed by name, for reports. */
  toObject(): Record<string, number> {
    const out: Record<string, number> = {};
    this.handle.names.forEach((n, i) => {
      out[n] = this.values[i];
    });
    return out;
  }
}
