/**
 * A fixed-capacity binary min-heap of (due time, integer payload); no allocation after
 * construction. Entries due at the same time pop in the order they were pushed, so a venue's
 * ack, fill and end of one order, all due at once, come out in the order they were decided.
 */
export class TimerHeap {
  /** Due time per entry; `due[0]` is +Infinity while the heap is empty (see peekDue). */
  private readonly due: Float64Array;
  /** Push order, the tie-break between equal due times. */
  private readonly seq: Float64Array;
  private readonly payload: Int32Array;
  private n = 0;
  private pushed = 0;

  constructor(readonly capacity: number) {
    this.due = new Float64Array(Math.max(1, capacity));
    this.seq = new Float64Array(Math.max(1, capacity));
    this.payload = new Int32Array(Math.max(1, capacity));
    this.due[0] = Number.POSITIVE_INFINITY;
  }

  get size(): number {
    return this.n;
  }

  /** Returns false when full. */
  push(dueNs: number, value: number): boolean {
    if (this.n === this.capacity) return false;
    let i = this.n++;
    this.due[i] = dueNs;
    this.seq[i] = this.pushed++;
    this.payload[i] = value;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
    return true;
  }

  /**
   * Due time of the earliest entry, +Infinity when empty. One typed-array read, small enough that
   * V8 always inlines it: a float64 returned from a call it does not inline is boxed.
   */
  peekDue(): number {
    return this.due[0];
  }

  /** Removes the earliest entry and returns its payload; call only when size > 0. */
  pop(): number {
    const top = this.payload[0];
    const last = --this.n;
    if (last === 0) {
      this.due[0] = Number.POSITIVE_INFINITY;
      return top;
    }
    this.swap(0, last);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && this.before(r, l) ? r : l;
      if (!this.before(c, i)) break;
      this.swap(c, i);
      i = c;
    }
    return top;
  }

  /**
   * Whether entry `i` comes before entry `j`. Compares by index, so no float64 crosses a call
   * (each would be boxed where V8 does not inline it).
   */
  private before(i: number, j: number): boolean {
    const a = this.due[i];
    const b = this.due[j];
    return a < b || (a === b && this.seq[i] < this.seq[j]);
  }

  private swap(i: number, j: number): void {
    const due = this.due[i];
    const seq = this.seq[i];
    const payload = this.payload[i];
    this.due[i] = this.due[j];
    this.seq[i] = this.seq[j];
    this.payload[i] = this.payload[j];
    this.due[j] = due;
    this.seq[j] = seq;
    this.payload[j] = payload;
  }
}
