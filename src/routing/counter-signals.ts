/**
 * The policy's own-flow signals, read from the run's shared counters wherever the policy runs:
 * our order rate per venue (a count decayed over a 1 s window, from the route stage's per-venue
 * routed counters) and the recent filled fraction of our orders there (an average of the newest
 * outcomes, from execution's per-venue filled / rejected / cancelled / expired counters).
 */
import type { RoutingSignals } from '../ml/rl/routing-features.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';

const RATE_WINDOW_NS = 1e9;
/** Weight of the newest fill outcome in the fill-ratio average. */
const FILL_ALPHA = 0.1;
/** Outcomes taken per venue per update: the average only needs the recent ones. */
const MAX_OUTCOMES_PER_UPDATE = 8;
const MISS_STATUSES = ['rejected', 'cancelled', 'expired'] as const;

export class CounterSignals implements RoutingSignals {
  private readonly routedSlots: Int32Array;
  private readonly filledSlots: Int32Array;
  private readonly missedSlots: Int32Array[];
  private readonly seenRouted: Float64Array;
  private readonly seenFilled: Float64Array;
  private readonly seenMissed: Float64Array;
  private readonly rateHz: Float64Array;
  private readonly fill: Float64Array;
  private readonly updatedNs = new Float64Array(1);

  constructor(
    private readonly metrics: PipelineMetrics,
    venueCount: number,
  ) {
    this.routedSlots = metrics.slots(venueCount, (v) => `venue_${v}_routed`);
    this.filledSlots = metrics.slots(venueCount, (v) => `venue_${v}_orders_filled`);
    this.missedSlots = MISS_STATUSES.map((s) => metrics.slots(venueCount, (v) => `venue_${v}_orders_${s}`));
    this.seenRouted = new Float64Array(venueCount);
    this.seenFilled = new Float64Array(venueCount);
    this.seenMissed = new Float64Array(venueCount);
    this.rateHz = new Float64Array(venueCount);
    this.fill = new Float64Array(venueCount).fill(1);
  }

  /** Takes in the orders and outcomes counted since the last update; true when any arrived. */
  update(nowNs: number): boolean {
    const c = this.metrics.counters;
    const decay = Math.exp(-Math.max(0, nowNs - this.updatedNs[0]) / RATE_WINDOW_NS);
    this.updatedNs[0] = nowNs;
    let changed = false;
    for (let v = 0; v < this.rateHz.length; v++) {
      const routed = c.get(this.routedSlots[v]);
      const filled = c.get(this.filledSlots[v]);
      let missed = 0;
      for (let k = 0; k < this.missedSlots.length; k++) missed += c.get(this.missedSlots[k][v]);
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
