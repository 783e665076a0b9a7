/** A fixed-capacity binary min-heap of (due time, integer payload); no allocation after construction. */
export class TimerHeap {
  private readonly due: Float64Array;
  private readonly payload: Int32Array;
  private n = 0;

  constructor(readonly capacity: number) {
    this.due = new Float64Array(capacity);
    this.payload = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Returns false when full. Ties pop in no particular order. */
  push(dueNs: number, value: number): boolean {
    if (this.n === this.capacity) return false;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.due[parent] <= dueNs) break;
      this.due[i] = this.due[parent];
      this.payload[i] = this.payload[parent];
      i = parent;
    }
    this.due[i] = dueNs;
    this.payload[i] = value;
    return true;
  }

  /** Due time of the earliest entry, +Infinity when empty. */
  peekDue(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.due[0];
  }

  /** Removes the earliest entry and returns its payload; call only when size > 0. */
  pop(): number {
    const top = this.payload[0];
    const lastDue = this.due[--this.n];
    const lastVal = this.payload[this.n];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.n) break;
      const r = l + 1;
      const c = r < this.n && this.due[r] < this.due[l] ? r : l;
      if (this.due[c] >= lastDue) break;
      this.due[i] = this.due[c];
      this.payload[i] = this.payload[c];
      i = c;
    }
    this.due[i] = lastDue;
    this.payload[i] = lastVal;
    return top;
  }
}
