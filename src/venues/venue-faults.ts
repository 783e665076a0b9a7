/**
 * The faults a venue server can be made to show while it runs (tests, drills): the vocabulary of
 * `VenueServer.setFaults` and of `hft venues`' control endpoint (docs/venue-protocol.md).
 */

/** Faults a test or an operator injects into a running venue (all off by default). */
export interface VenueFaults {
  /** Added to every reply's outbound leg (reports and pongs), ms: a slow venue. */
  extraDelayMs: number;
  /** Orders are taken but not answered (a stalled matching engine); clearing it answers them. */
  stall: boolean;
  /** Every order is rejected (`VenueRejectReason.venueHalted`): a reject storm. */
  rejectAll: boolean;
  /** New connections are refused with HTTP 503 (the venue is down; clients back off). */
  refuseConnections: boolean;
}

export const NO_FAULTS: Readonly<VenueFaults> = {
  extraDelayMs: 0,
  stall: false,
  rejectAll: false,
  refuseConnections: false,
};

const FAULT_TYPES: Record<keyof VenueFaults, 'number' | 'boolean'> = {
  extraDelayMs: 'number',
  stall: 'boolean',
  rejectAll: 'boolean',
  refuseConnections: 'boolean',
};

/**
 * Reads a control request's JSON object into a faults patch; `drop` (close the connections) is
 * passed through. Returns an error message for anything else: an unknown key or a wrong type.
 */
export function parseFaultPatch(body: unknown): { patch: Partial<VenueFaults>; drop: boolean } | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  const patch: Partial<VenueFaults> = {};
  let drop = false;
  for (const [k, v] of Object.entries(body)) {
    if (k === 'drop') {
      drop = v === true;
      continue;
    }
    const want = Object.hasOwn(FAULT_TYPES, k) ? FAULT_TYPES[k as keyof VenueFaults] : undefined;
    if (want === undefined || typeof v !== want) return `${k}: unknown fault or wrong type (${typeof v})`;
    (patch as Record<string, unknown>)[k] = v;
  }
  return { patch, drop };
}
