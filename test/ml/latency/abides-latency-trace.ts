/**
 * A latency process built unlike the simulator's (src/market/latency): ABIDES' "cubic" model,
 * latency = floor + floor x (a / x^3) / unit with x ~ U[clip, 1] (a power-law tail, not a
 * log-normal), over a per-venue floor, with congestion regimes from a three-state chain
 * (calm / busy / congested) whose dwell is counted in messages, not time; congestion raises the
 * floor and the jitter and thins the message rate. Written as CSV for `--samples`.
 */
import { Random } from '../../../src/core/random.js';
import type { LatencySeries } from '../../../src/ml/latency/latency-series.js';

export interface AbidesVenue {
  readonly name: string;
  readonly floorNs: number;
}

const JITTER_A = 0.5;
const JITTER_CLIP = 0.1;
const JITTER_UNIT = 10;
/** Per regime: floor factor, jitter factor, message-rate factor, mean dwell (messages). */
const REGIMES = [
  { floor: 1, jitter: 1, rate: 1, dwell: 600 },
  { floor: 1.6, jitter: 1.5, rate: 0.8, dwell: 250 },
  { floor: 3.5, jitter: 2.5, rate: 0.5, dwell: 120 },
] as const;
const MESSAGES_PER_SEC = 200;

/**
 * The true p50, p90, p99 of message `i` given its regime (which no forecaster sees): the
 * Bayes-optimal forecast, the floor under any forecaster's pinball loss on this process.
 */
export function trueQuantilesNs(venue: AbidesVenue, regime: number, q: number): number {
  const r = REGIMES[regime];
  const x = JITTER_CLIP + (1 - q) * (1 - JITTER_CLIP);
  const floor = venue.floorNs * r.floor;
  return floor + (floor * (JITTER_A * r.jitter)) / (x * x * x) / JITTER_UNIT;
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
  let left = rng.exponential(REGIMES[0].dwell);
  let t = 1_700_000_000e9 + rng.next() * 86_400e9;
  for (let i = 0; i < messages; i++) {
    if (--left <= 0) {
      regime = nextRegime(regime, rng);
      left = rng.exponential(REGIMES[regime].dwell);
    }
    const r = REGIMES[regime];
    t += rng.exponential(1e9 / (MESSAGES_PER_SEC * r.rate));
    const x = JITTER_CLIP + rng.next() * (1 - JITTER_CLIP);
    const floor = venue.floorNs * r.floor;
    latency[i] = floor + (floor * (JITTER_A * r.jitter)) / (x * x * x) / JITTER_UNIT;
    ts[i] = t;
    if (regimesOut) regimesOut[i] = regime;
  }
  return { venue: venue.name, tsNs: ts, latencyNs: latency, orderQty: new Float64Array(messages) };
}

/** Calm goes to busy or congested; busy and congested mostly step back towards calm. */
function nextRegime(from: number, rng: Random): number {
  const u = rng.next();
  if (from === 0) return u < 0.7 ? 1 : 2;
  if (from === 1) return u < 0.6 ? 0 : 2;
  return u < 0.5 ? 1 : 0;
}

export const ABIDES_VENUES: readonly AbidesVenue[] = [
  { name: 'ALPHA', floorNs: 150e3 },
  { name: 'BETA', floorNs: 420e3 },
  { name: 'GAMMA', floorNs: 900e3 },
];
