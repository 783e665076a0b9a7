/** Resting orders per book (symbol x venue), as intrusive doubly linked lists over order slots. */
export class RestingOrders {
  private readonly head: Int32Array;
  private readonly nextOf: Int32Array;
  private readonly prevOf: Int32Array;
  private readonly bookOf: Int32Array;
  count = 0;

  constructor(slots: number, books: number) {
    this.head = new Int32Array(books).fill(-1);
    this.nextOf = new Int32Array(slots).fill(-1);
    this.prevOf = new Int32Array(slots).fill(-1);
    this.bookOf = new Int32Array(slots).fill(-1);
  }

  headOf(book: number): number {
    return this.head[book];
  }

  next(slot: number): number {
    return this.nextOf[slot];
  }

  /** Appends at the tail, so a book's orders are visited in the order they came to rest. */
  add(slot: number, book: number): void {
    this.bookOf[slot] = book;
    this.nextOf[slot] = -1;
    let tail = this.head[book];
    if (tail < 0) {
      this.head[book] = slot;
      this.prevOf[slot] = -1;
    } else {
      while (this.nextOf[tail] >= 0) tail = this.nextOf[tail];
      this.nextOf[tail] = slot;
      this.prevOf[slot] = tail;
    }
    this.count++;
  }

  remove(slot: number): void {
    const book = this.bookOf[slot];
    if (book < 0) return;
    const prev = this.prevOf[slot];
    const next = this.nextOf[slot];
    if (prev >= 0) this.nextOf[prev] = next;
    else this.head[book] = next;
    if (next >= 0) this.prevOf[next] = prev;
    this.bookOf[slot] = -1;
    this.count--;
  }
}
