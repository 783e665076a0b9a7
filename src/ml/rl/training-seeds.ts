/**
 * Episode seeds. Training uses seed x 1,000,000 + episode (so any --seed below 3000 and up to a
 * million episodes stays under 3e9); evaluation uses 3e9 and above, which training never reaches:
 * held-out episodes are markets, latency draws and order flows the policies never saw.
 */
export const HELD_OUT_SEED_BASE = 3_000_000_000;

export function trainingSeed(seed: number, episode: number): number {
  if (!(seed >= 0 && seed < 3000)) throw new RangeError(`--seed must be in [0, 3000), got ${seed}`);
  return seed * 1_000_000 + episode + 1;
}

export function heldOutSeed(k: number): number {
  return HELD_OUT_SEED_BASE + k;
}

/** What a trainer reports after every round. */
export interface TrainProgress {
  episodes: number;
  total: number;
  /** Mean loss over the latest gradient steps. */
  loss: number;
  /** Mean reward of the round's episodes, bps. */
  reward: number;
  epsilon?: number;
}
