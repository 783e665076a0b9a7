/**
 * How one marketable IOC order fares on the tape. It leaves at `sentNs` with the venue's touch
 * as its limit, reaches the venue half a round trip later and trades against the book as it is
 * then: it fills up to the touch quantity when the touch is still at or inside the limit (price
 * improvement included) and the rest is cancelled. An order whose round trip exceeds the timeout
 * is a timeout: nothing fills.
 *
 * Execution quality, basis points of the arrival mid M0 (cross-venue mid when the order was
 * decided), per share of the order:
 *   filled shares:  side * (M0 - fill price) / M0 - fee      (spread paid, quote noise, and the
 *                                                            adverse move while in flight)
 *   missed shares:  -side * (M_back - M0) / M0 - penalty     (the move until we learn of the miss,
 *                                                            plus the cost of trying again)
 */
import type { MarketTape } from './market-tape.js';

export interface FillCosts {
  /** Charged per missed share of an IOC that found the price gone or the size short, bps. */
  missPenaltyBps: number;
  /** Charged per share of an order that timed out, bps. */
  timeoutPenaltyBps: number;
  /** Round trips longer than this are timeouts, ns. */
  timeoutNs: number;
}

export interface FillOutcome {
  filledQty: number;
  /** Mean fill price; 0 when nothing filled. */
  fillPx: number;
  /** Execution quality summed over the order's shares, bps x shares (divide by qty for the mean). */
  bpsShares: number;
  timedOut: boolean;
  /** When the answer (fill, cancel or timeout) is back at the router, ns. */
  answerNs: number;
}

export function createFillOutcome(): FillOutcome {
  return { filledQty: 0, fillPx: 0, bpsShares: 0, timedOut: false, answerNs: 0 };
}

/** Fills `out` for an IOC of `qty` shares on `venueId` decided at `sentNs` against arrival mid `mid0`. */
export function simulateIoc(
  tape: MarketTape,
  venueId: number,
  side: number,
  qty: number,
  limitPx: number,
  sentNs: number,
  roundTripNs: number,
  mid0: number,
  feeBps: number,
  costs: FillCosts,
  out: FillOutcome,
): FillOutcome {
  out.filledQty = 0;
  out.fillPx = 0;
  out.timedOut = roundTripNs > costs.timeoutNs;
  out.answerNs = sentNs + Math.min(roundTripNs, costs.timeoutNs);
  if (!out.timedOut) {
    const i = tape.indexAt(venueId, sentNs + roundTripNs / 2);
    const q = tape.venues[venueId];
    const touchPx = side > 0 ? q.askPx[i] : q.bidPx[i];
    const touchQty = side > 0 ? q.askQty[i] : q.bidQty[i];
    if (i >= 0 && limitPx > 0 && touchPx > 0 && side * (touchPx - limitPx) <= 1e-9) {
      out.filledQty = Math.min(qty, touchQty);
      out.fillPx = touchPx;
    }
  }
  const missed = qty - out.filledQty;
  let bps = 0;
  if (out.filledQty > 0) bps += out.filledQty * ((side * (mid0 - out.fillPx) * 1e4) / mid0 - feeBps);
  if (missed > 0) {
    const midBack = tape.midAt(out.answerNs);
    const move = Number.isFinite(midBack) ? (side * (midBack - mid0) * 1e4) / mid0 : 0;
    bps -= missed * (move + (out.timedOut ? costs.timeoutPenaltyBps : costs.missPenaltyBps));
  }
  out.bpsShares = bps;
  return out;
}
