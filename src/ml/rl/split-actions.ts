/**
 * What a policy may do with an order. DQN picks one venue (action v sends everything to venue v).
 * PPO picks a split from a fixed menu: every venue alone, every pair half and half, and all venues
 * equally; a categorical policy over this menu trains stably and exports as plain logits.
 */

/** The PPO split menu for `venueCount` venues: weights per action, each summing to 1. */
export function splitMenu(venueCount: number): Float64Array[] {
  const menu: Float64Array[] = [];
  for (let v = 0; v < venueCount; v++) {
    const w = new Float64Array(venueCount);
    w[v] = 1;
    menu.push(w);
  }
  for (let a = 0; a < venueCount; a++)
    for (let b = a + 1; b < venueCount; b++) {
      const w = new Float64Array(venueCount);
      w[a] = 0.5;
      w[b] = 0.5;
      menu.push(w);
    }
  if (venueCount > 2) menu.push(new Float64Array(venueCount).fill(1 / venueCount));
  return menu;
}

/** One-hot weights for a single venue. */
export function venueWeights(venueId: number, out: Float64Array): Float64Array {
  out.fill(0);
  if (venueId >= 0) out[venueId] = 1;
  return out;
}

/**
 * Child quantities for a split: whole shares, the rounding remainder to the largest weight.
 * Writes `out[v]` and returns the venue with the largest share (the order's primary venue).
 */
export function splitQty(weights: ArrayLike<number>, qty: number, out: Float64Array): number {
  let primary = 0;
  let given = 0;
  for (let v = 0; v < out.length; v++) {
    out[v] = Math.floor(weights[v] * qty + 1e-9);
    given += out[v];
    if (weights[v] > weights[primary]) primary = v;
  }
  out[primary] += qty - given;
  return primary;
}

/** Argmax over `scores` among venues allowed by `allowed` (all when omitted); -1 if none. */
export function argmaxAllowed(
  scores: ArrayLike<number>,
  n: number,
  allowed?: (i: number) => boolean,
): number {
  let best = -1;
  for (let i = 0; i < n; i++) {
    if (allowed && !allowed(i)) continue;
    if (best < 0 || scores[i] > scores[best]) best = i;
  }
  return best;
}
