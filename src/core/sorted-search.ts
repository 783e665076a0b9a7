/** Binary search over ascending numbers (timestamps): allocation-free. */

/** First index in `a[0..length)` whose value is > x (`length` when none). */
export function upperBound(a: ArrayLike<number>, x: number, length = a.length): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
