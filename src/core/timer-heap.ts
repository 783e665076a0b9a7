/**
 * A fixed-capacity binary min-heap of (due time, integer payload); no allocation after
 * construction. Entries due at the same time pop in the order they were pushed, so a venue's
 * ack, fill and end of one order, all due at once, come out in the order they were decided.
 */
export class TimerHeap {
  private readonly due: Float64Array;
  /** Push order, the tie-break between equal due times. */
  private readonly seq: Float64Array;
  private readonly payload: Int32Array;
  private n = 0;
  private pushed = 0;

  constructor(readonly capacity: number) {
    this.due = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.payload = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Returns false when full. */
  push(dueNs: number, value: number): boolean {
    if (this.n === this.capacity) return false;
    const seq = this.pushed++;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(dueNs, seq, parent)) break;
      this.move(parent, i);
      i = parent;
    }
    this.place(i, dueNs, seq, value);
    return true;
  }

  /** Due time of the earliest entry, +Infinity when empty. */
  peekDue(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.due[0];
  }

  /** Removes the earliest entry and returns its payload; call only when size > 0. */
  pop(): number {
    const top = this.payload[0];
    const last = --this.n;
    const lastDue = this.due[last];
    const lastSeq = this.seq[last];
    const lastVal = this.payload[last];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.n) break;
      const r = l + 1;
      const c = r < this.n && this.before(this.due[r], this.seq[r], l) ? r : l;
      if (!this.before(this.due[c], this.seq[c], -1, lastDue, lastSeq)) break;
      this.move(c, i);
      i = c;
    }
    this.place(i, lastDue, lastSeq, lastVal);
    return top;
  }

  /** Whether (due, seq) comes before entry `j`, or before (dueJ, seqJ) when j is -1. */
  private before(due: number, seq: number, j: number, dueJ = this.due[j], seqJ = this.seq[j]): boolean {
    return due < dueJ || (due === dueJ && seq < seqJ);
  }

  private move(from: number, to: number): void {
    this.due[to] = this.due[from];
    this.seq[to] = this.seq[from];
    this.payload[to] = this.payload[from];
  }

  private place(i: number, due: number, seq: number, value: number): void {
    this.due[i] = due;
    this.seq[i] = seq;
    this.payload[i] = value;
  }
}
