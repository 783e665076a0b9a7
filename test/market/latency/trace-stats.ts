/** Small statistics over latency traces, shared by the latency model tests. */

/** The q-quantile (0..1) of `values` (sorted copy, nearest rank). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}
