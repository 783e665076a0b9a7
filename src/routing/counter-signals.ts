/**
 * The policy's own-flow signals from our order flow counts per venue (routed, filled, missed:
 * rejected + cancelled + expired), however they were read: our order rate per venue (a count
 * decayed over a 1 s window) and the recent filled fraction of our orders there (an average of
 * the newest outcomes). Live, `LivePolicyInputs` reads the counts from the shared counters; a
 * backtest replays the counts a live run logged.
 */
import type { RoutingSignals } from '../ml/rl/routing-features.js';
import { COUNT_COLS } from './policy-inputs.js';

const RATE_WINDOW_NS = 1e9;
/** Weight of the newest fill outcome in the fill-ratio average. */
const FILL_ALPHA = 0.1;
/** Outcomes taken per venue per update: the average only needs the recent ones. */
const MAX_OUTCOMES_PER_UPDATE = 8;

export class CounterSignals implements RoutingSignals {
  private readonly seenRouted: Float64Array;
  private readonly seenFilled: Float64Array;
  private readonly seenMissed: Float64Array;
  private readonly rateHz: Float64Array;
  private readonly fill: Float64Array;
  private readonly updatedNs = new Float64Array(1);

  constructor(venueCount: number) {
    this.seenRouted = new Float64Array(venueCount);
    this.seenFilled = new Float64Array(venueCount);
    this.seenMissed = new Float64Array(venueCount);
    this.rateHz = new Float64Array(venueCount);
    this.fill = new Float64Array(venueCount).fill(1);
  }

  /** Takes in the counts (per venue: routed, filled, missed) since the last update; true when any rose. */
  update(nowNs: number, counts: Float64Array): boolean {
    const decay = Math.exp(-Math.max(0, nowNs - this.updatedNs[0]) / RATE_WINDOW_NS);
    this.updatedNs[0] = nowNs;
    let changed = false;
    for (let v = 0; v < this.rateHz.length; v++) {
      const routed = counts[v * COUNT_COLS];
      const filled = counts[v * COUNT_COLS + 1];
      const missed = counts[v * COUNT_COLS + 2];
      const sent = routed - this.seenRouted[v];
      this.rateHz[v] = this.rateHz[v] * decay + (sent * 1e9) / RATE_WINDOW_NS;
      this.recordOutcomes(v, filled - this.seenFilled[v], 1);
      this.recordOutcomes(v, missed - this.seenMissed[v], 0);
      changed ||= sent > 0 || filled > this.seenFilled[v] || missed > this.seenMissed[v];
      this.seenRouted[v] = routed;
      this.seenFilled[v] = filled;
      this.seenMissed[v] = missed;
    }
    return changed;
  }
  private recordOutcomes(v: number, count: number, filledFraction: number): void {
    for (let n = Math.min(count, MAX_OUTCOMES_PER_UPDATE); n > 0; n--)
      this.fill[v] += FILL_ALPHA * (filledFraction - this.fill[v]);
  }

  orderRateHz(venueId: number, nowNs: number): number {
    return this.rateHz[venueId] * Math.exp(-Math.max(0, nowNs - this.updatedNs[0]) / RATE_WINDOW_NS);
  }

  fillRatio(venueId: number): number {
    return this.fill[venueId];
  }
}
