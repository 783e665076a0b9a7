/**
 * One client connection as a venue server sees it: whether it subscribed, the orders still on
 * their inbound leg, and the transit estimates that let the venue take the network's own time out
 * of its delays (venue-server.ts class comment).
 */

export interface PendingOrder {
  clientOrderId: number;
  symbolId: number;
  side: number;
  qty: number;
  limitPx: number;
  cancelled: boolean;
}

export interface Session {
  subscribed: boolean;
  /** Smoothed inbound transit (client send -> server handler), ms. */
  transitMs: number;
  /** Last outbound transits the client reported, ms (ring); their median is the estimate. */
  outTransits: Float64Array;
  outTransitCount: number;
  /** Median of `outTransits`, ms; NaN until the first report. */
  outTransitMs: number;
  /** Orders on their inbound leg, by client order id. */
  inbound: Map<number, PendingOrder>;
}

/** Smoothing of the transit estimate per message. */
export const TRANSIT_EWMA = 0.1;
/** Outbound transit reports kept per session for the median. */
const OUT_TRANSIT_WINDOW = 31;
/** A send stamp older than this on arrival is not from this host's clock: ignored. */
export const MAX_TRANSIT_MS = 1000;

export function createSession(): Session {
  return {
    subscribed: false,
    transitMs: 0,
    outTransits: new Float64Array(OUT_TRANSIT_WINDOW),
    outTransitCount: 0,
    outTransitMs: Number.NaN,
    inbound: new Map(),
  };
}

/**
 * The median, not the mean: a measured round trip is `rtt + transit - estimate`, so the median
 * transit makes the median round trip come out at the configured value, whatever the tail.
 */
export function recordOutTransit(session: Session, ms: number): void {
  session.outTransits[session.outTransitCount++ % OUT_TRANSIT_WINDOW] = ms;
  const sorted = session.outTransits.slice(0, Math.min(session.outTransitCount, OUT_TRANSIT_WINDOW)).sort();
  session.outTransitMs = sorted[sorted.length >> 1];
}
