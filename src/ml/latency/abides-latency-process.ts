/**
 * A latency process built unlike the simulator's (src/market/latency): ABIDES' "cubic" model,
 * latency = floor + floor x (a / x^3) / unit with x ~ U[clip, 1] (a power-law tail, not a
 * log-normal), over a per-venue floor, with congestion regimes from a three-state chain
 * (calm / busy / congested) whose dwell is counted in messages, not time; congestion raises the
 * floor and the jitter and thins the message rate. It is the CSV reference process of the tests
 * and docs (`--samples` CSV from it, `hft eval latency --process abides`), and its parameters
 * are known, so its causal filter (causal-filter/abides-regime-process.ts) is exact.
 */
import { Random } from '../../core/random.js';
import type { LatencySeries } from './latency-series.js';

export interface AbidesVenue {
  readonly name: string;
  readonly floorNs: number;
}

export const ABIDES_JITTER = { a: 0.5, clip: 0.1, unit: 10 } as const;
/** Per regime: floor factor, jitter factor, message-rate factor, mean dwell (messages). */
export const ABIDES_REGIMES = [
  { floor: 1, jitter: 1, rate: 1, dwell: 600 },
  { floor: 1.6, jitter: 1.5, rate: 0.8, dwell: 250 },
  { floor: 3.5, jitter: 2.5, rate: 0.5, dwell: 120 },
] as const;
/** Where a regime goes when it ends: calm to busy or congested; busy and congested mostly back towards calm. */
export const ABIDES_JUMPS = [
  [0, 0.7, 0.3],
  [0.6, 0, 0.4],
  [0.5, 0.5, 0],
] as const;
export const ABIDES_MESSAGES_PER_SEC = 200;

export const ABIDES_VENUES: readonly AbidesVenue[] = [
  { name: 'ALPHA', floorNs: 150e3 },
  { name: 'BETA', floorNs: 420e3 },
  { name: 'GAMMA', floorNs: 900e3 },
];

/** Floor and jitter scale (ns) of `venue` in `regime`: latency = floor + jitter / x^3. */
export function abidesLaw(venue: AbidesVenue, regime: number): { floorNs: number; jitterNs: number } {
  const r = ABIDES_REGIMES[regime];
  const floorNs = venue.floorNs * r.floor;
  return { floorNs, jitterNs: (floorNs * ABIDES_JITTER.a * r.jitter) / ABIDES_JITTER.unit };
}

/** The q-quantile of a message's latency given its regime (the state no forecaster sees). */
export function abidesQuantileNs(venue: AbidesVenue, regime: number, q: number): number {
  const { floorNs, jitterNs } = abidesLaw(venue, regime);
  const x = ABIDES_JITTER.clip + (1 - q) * (1 - ABIDES_JITTER.clip);
  return floorNs + jitterNs / (x * x * x);
}

export function abidesSeries(
  venue: AbidesVenue,
  messages: number,
  seed: number,
  regimesOut?: Int8Array,
): LatencySeries {
  const rng = new Random(seed);
  const ts = new Float64Array(messages);
  const latency = new Float64Array(messages);
  let regime = 0;
  let left = rng.exponential(ABIDES_REGIMES[0].dwell);
  let t = 1_700_000_000e9 + rng.next() * 86_400e9;
  for (let i = 0; i < messages; i++) {
    if (--left <= 0) {
      regime = nextRegime(regime, rng);
      left = rng.exponential(ABIDES_REGIMES[regime].dwell);
    }
    t += rng.exponential(1e9 / (ABIDES_MESSAGES_PER_SEC * ABIDES_REGIMES[regime].rate));
    const x = ABIDES_JITTER.clip + rng.next() * (1 - ABIDES_JITTER.clip);
    const { floorNs, jitterNs } = abidesLaw(venue, regime);
    latency[i] = floorNs + jitterNs / (x * x * x);
    ts[i] = t;
    if (regimesOut) regimesOut[i] = regime;
  }
  return { venue: venue.name, tsNs: ts, latencyNs: latency, orderQty: new Float64Array(messages) };
}

/** Draws the next regime by ABIDES_JUMPS (in the draw order the reference CSV was made with). */
function nextRegime(from: number, rng: Random): number {
  const u = rng.next();
  if (from === 0) return u < ABIDES_JUMPS[0][1] ? 1 : 2;
  if (from === 1) return u < ABIDES_JUMPS[1][0] ? 0 : 2;
  return u < ABIDES_JUMPS[2][1] ? 1 : 0;
}
