/**
 * An order's path as hftbacktest splits it: the entry leg (us -> the venue's matching engine) and
 * the response leg (the venue's answer -> us). Every simulated venue draws or looks up a round
 * trip and splits it here, so an order reaches the venue at the same instant whichever path
 * simulates it; the backtest's and the venue world's latency sources implement `LegLatency`.
 */

/** Share of the round trip spent reaching the venue. */
export const ENTRY_SHARE = 0.5;

/** The entry leg of a round trip, ns. */
export function entryLegNs(roundTripNs: number): number {
  return roundTripNs * ENTRY_SHARE;
}

/** The response leg of a round trip, ns: what the entry leg leaves. */
export function responseLegNs(roundTripNs: number): number {
  return roundTripNs - roundTripNs * ENTRY_SHARE;
}

/**
 * Order latency as two functions of the venue and the time the message leaves (hftbacktest's
 * `LatencyModel`: `entry` for orders and cancels, `response` for every report).
 */
export interface LegLatency {
  readonly name: string;
  entryNs(venueId: number, atNs: number): number;
  responseNs(venueId: number, atNs: number): number;
}
