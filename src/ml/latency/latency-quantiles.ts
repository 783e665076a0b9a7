/**
 * Model outputs -> latency quantiles. The model predicts log latency relative to the features'
 * reference for p50, p90, p99; quantiles cannot cross, so each is at least the one before.
 */
export const MODEL_OUTPUTS = 3;

/** Writes p50, p90, p99 in ns into `dest` from `destOffset`. */
export function decodeQuantiles(
  refLog: number,
  out: Float32Array,
  outOffset: number,
  dest: Float64Array,
  destOffset: number,
): void {
  const q50 = out[outOffset];
  const q90 = Math.max(q50, out[outOffset + 1]);
  const q99 = Math.max(q90, out[outOffset + 2]);
  dest[destOffset] = Math.exp(refLog + q50);
  dest[destOffset + 1] = Math.exp(refLog + q90);
  dest[destOffset + 2] = Math.exp(refLog + q99);
}
