/** Means with Student-t 95% confidence intervals (episodes are the independent units). */

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom; normal beyond. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export interface MeanCi {
  mean: number;
  /** Half-width of the 95% interval. */
  ci95: number;
  lo: number;
  hi: number;
  n: number;
}

export function meanCi(xs: readonly number[]): MeanCi {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / Math.max(n, 1);
  if (n < 2) return { mean, ci95: Number.NaN, lo: Number.NaN, hi: Number.NaN, n };
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const t = n - 1 <= T975.length ? T975[n - 2] : 1.96;
  const ci95 = (t * sd) / Math.sqrt(n);
  return { mean, ci95, lo: mean - ci95, hi: mean + ci95, n };
}
