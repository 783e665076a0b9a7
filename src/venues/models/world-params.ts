/**
 * The parameters of the venue world (src/venues/models/world-sim.ts): one efficient price, the
 * venues that quote it, the traders that compete with us for their quotes, and the hidden state of
 * each venue's order path. Venue fields come from the run's config (`market.venues`); the market
 * fields are the defaults below, each with the source of its number in docs/venue-world.md.
 */
import type { VenueConfig, VenueLatencyConfig } from '../../config/config-types.js';

export interface WorldVenueParams {
  readonly name: string;
  readonly feeBps: number;
  /** The venue's average spread in ticks at the symbol's price (config spread_bps); quotes are whole ticks. */
  readonly spreadTicks: number;
  /** Mean displayed shares per side. */
  readonly depth: number;
  /** Mean time for the venue's market makers to move a quote the efficient price has left, ns. */
  readonly requoteMeanNs: number;
  /** Mean time for competing takers to take a touch the efficient price has moved past, ns. */
  readonly raceMeanNs: number;
  /** One-way market-data delay from the venue to us, ns. */
  readonly feedDelayNs: number;
  /** Order round trip: medians, jitter, spikes, congestion regimes, load, outages. */
  readonly latency: VenueLatencyConfig;
}

export interface WorldParams {
  readonly tickPx: number;
  readonly startPx: number;
  /** Efficient-price moves (one tick) per second while calm. */
  readonly jumpsPerSec: number;
  /** Move rate multiple while volatile. */
  readonly volatileJumpX: number;
  /** While volatile a move grows by another tick with this probability, again and again (geometric). */
  readonly volatileExtraTickProb: number;
  /** Displayed size multiple while volatile (market makers show less). */
  readonly volatileDepthX: number;
  /** Calm -> volatile switches per second while calm, and back. */
  readonly volatileEnterPerSec: number;
  readonly volatileExitPerSec: number;
  /** While volatile, the probability a move goes the burst's way (0.5: no trend). */
  readonly trendPersistence: number;
  /** Spread multiple while volatile. */
  readonly volatileSpreadX: number;
  /** Hits by other takers per venue and side per second while calm; each takes part of the touch. */
  readonly consumePerSec: number;
  readonly volatileConsumeX: number;
  /** Largest fraction of the touch one hit takes (uniform from a tenth of it). */
  readonly consumeMaxFrac: number;
  /** Quote updates per venue per second without a price move (size, or joining/leaving the best level). */
  readonly refreshPerSec: number;
  /** Share of those updates where the market makers redraw whether they sit at the best level. */
  readonly levelChangeProb: number;
  /**
   * Short-term alpha of our own orders: after one of our orders the efficient price drifts its
   * way by this much in expectation, bps (others act on the same information)...
   */
  readonly orderAlphaBps: number;
  /** ...realised as one-tick moves at a rate that decays with this time constant, ns. */
  readonly orderAlphaTauNs: number;
  /** After a move, takers chasing it hit every venue's touch on its side at this rate... */
  readonly sweepPerSec: number;
  /** ...until the chase ends, at rate 1/sweepMeanNs per venue. */
  readonly sweepMeanNs: number;
  readonly venues: readonly WorldVenueParams[];
}

/** Market makers of the leading venue (lag_ms 0) move within this mean time. */
const LEADER_REQUOTE_NS = 50e3;
/** Competing takers reach a stale touch in this mean time (one network hop, as we are). */
const RACE_MEAN_NS = 50e3;

export const DEFAULT_WORLD = {
  tickPx: 0.01,
  jumpsPerSec: 5,
  volatileJumpX: 8,
  volatileExtraTickProb: 0.4,
  volatileDepthX: 0.5,
  volatileEnterPerSec: 1 / 30,
  volatileExitPerSec: 1 / 10,
  trendPersistence: 0.5,
  volatileSpreadX: 1.5,
  consumePerSec: 8,
  volatileConsumeX: 4,
  consumeMaxFrac: 0.6,
  levelChangeProb: 0.02,
  sweepPerSec: 3000,
  sweepMeanNs: 2e6,
  orderAlphaBps: 0.5,
  orderAlphaTauNs: 1e9,
} as const;

export interface WorldOverrides extends Partial<Omit<WorldParams, 'venues'>> {
  /** Replaces every venue's outage rate (a stress scenario: outages are rare in a real session). */
  outagePerHour?: number;
  outageMeanMs?: number;
  /** Outage rate multiple while volatile (venues fail under the message surge of a burst). */
  outageVolatileX?: number;
}

/**
 * The world of one symbol traded on `venues`. `quoteRatePerSec` is the symbol's quote updates per
 * second across the venues (the daemon's market rate per symbol), `startPx` its price.
 */
export function worldParams(
  venues: readonly VenueConfig[],
  startPx: number,
  quoteRatePerSec: number,
  overrides: WorldOverrides = {},
): WorldParams {
  const { outagePerHour, outageMeanMs, outageVolatileX, ...market } = overrides;
  const tickPx = market.tickPx ?? DEFAULT_WORLD.tickPx;
  return {
    ...DEFAULT_WORLD,
    refreshPerSec: quoteRatePerSec / Math.max(1, venues.length),
    ...market,
    tickPx,
    startPx,
    venues: venues.map((v) => ({
      name: v.name,
      feeBps: v.fee_bps,
      spreadTicks: (startPx * v.spread_bps) / 1e4 / tickPx,
      depth: v.depth,
      requoteMeanNs: (v.lag_ms ?? 0) > 0 ? (v.lag_ms ?? 0) * 1e6 : LEADER_REQUOTE_NS,
      raceMeanNs: RACE_MEAN_NS,
      feedDelayNs: (v.latency.base_us * 1e3) / 2,
      latency:
        outagePerHour === undefined
          ? v.latency
          : {
              ...v.latency,
              outage: {
                per_hour: outagePerHour,
                mean_ms: outageMeanMs ?? 2000,
                volatile_x: outageVolatileX ?? 1,
              },
            },
    })),
  };
}
