/**
 * The last `capacity` values of a stream, kept both in arrival order (a ring) and sorted, so
 * rolling quantiles cost one binary search and a shift per sample and nothing allocates.
 * Several windows share one pair of typed arrays, one slot range per window (per venue).
 */
export class SortedWindows {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private readonly count: Int32Array;
  private readonly head: Int32Array;

  constructor(
    windows: number,
    readonly capacity: number,
  ) {
    this.ring = new Float64Array(windows * capacity);
    this.sorted = new Float64Array(windows * capacity);
    this.count = new Int32Array(windows);
    this.head = new Int32Array(windows);
  }

  size(w: number): number {
    return this.count[w];
  }

  push(w: number, x: number): void {
    const base = w * this.capacity;
    const n = this.count[w];
    if (n === this.capacity) {
      const oldest = this.ring[base + this.head[w]];
      this.removeSorted(base, n, oldest);
      this.ring[base + this.head[w]] = x;
      this.head[w] = (this.head[w] + 1) % this.capacity;
      this.insertSorted(base, n - 1, x);
    } else {
      this.ring[base + ((this.head[w] + n) % this.capacity)] = x;
      this.insertSorted(base, n, x);
      this.count[w] = n + 1;
    }
  }

  /** Quantile `q` in [0, 1] by linear interpolation between order statistics; NaN when empty. */
  quantile(w: number, q: number): number {
    const n = this.count[w];
    if (n === 0) return Number.NaN;
    const base = w * this.capacity;
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    const hi = lo + 1 < n ? lo + 1 : lo;
    const frac = pos - lo;
    return this.sorted[base + lo] * (1 - frac) + this.sorted[base + hi] * frac;
  }

  /** Largest of the newest `k` values (k <= size). */
  recentMax(w: number, k: number): number {
    const base = w * this.capacity;
    const n = this.count[w];
    let max = Number.NEGATIVE_INFINITY;
    for (let i = Math.max(0, n - k); i < n; i++) {
      const x = this.ring[base + ((this.head[w] + i) % this.capacity)];
      if (x > max) max = x;
    }
    return max;
  }

  /** Index of the first sorted value >= x in [base, base + n). */
  private lowerBound(base: number, n: number, x: number): number {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[base + mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertSorted(base: number, n: number, x: number): void {
    const at = this.lowerBound(base, n, x);
    this.sorted.copyWithin(base + at + 1, base + at, base + n);
    this.sorted[base + at] = x;
  }

  private removeSorted(base: number, n: number, x: number): void {
    const at = this.lowerBound(base, n, x);
    this.sorted.copyWithin(base + at, base + at + 1, base + n);
  }
}
