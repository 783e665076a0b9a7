/**
 * Park timeouts as numbers boxed once. `Atomics.wait` takes its timeout as a tagged number, so a
 * float64 computed per park is boxed into a new 16-byte heap number: a spin-park host at 100,000
 * ticks/s parks between most ticks, and those boxes were most of what it still allocated
 * (docs/benchmarks.md "Garbage per tick"). A wait is rounded up to a step (2 us up to 1 ms, 20 us
 * up to MAX_PARK_NS; the kernel's timer slack here is ~50 us anyway).
 */
const NS_PER_MS = 1e6;
const FINE_STEP_NS = 2_000;
const FINE_UNTIL_NS = 1_000_000;
const COARSE_STEP_NS = 20_000;
export const MAX_PARK_NS = 20_000_000;

/** Fine entry i holds (i + 1) fine steps; coarse entry j holds FINE_UNTIL_NS + (j + 1) coarse steps. */
const FINE_COUNT = FINE_UNTIL_NS / FINE_STEP_NS;
const COARSE_COUNT = (MAX_PARK_NS - FINE_UNTIL_NS) / COARSE_STEP_NS;

const TIMEOUTS_MS = boxedTimeouts();

function boxedTimeouts(): number[] {
  const table: unknown[] = new Array(FINE_COUNT + COARSE_COUNT);
  // A non-number first makes the array's elements tagged for good: filled with numbers alone,
  // V8 would store raw float64s and box one again at every read handed to Atomics.wait.
  table[0] = null;
  for (let i = 0; i < FINE_COUNT; i++) table[i] = ((i + 1) * FINE_STEP_NS) / NS_PER_MS;
  for (let j = 0; j < COARSE_COUNT; j++)
    table[FINE_COUNT + j] = (FINE_UNTIL_NS + (j + 1) * COARSE_STEP_NS) / NS_PER_MS;
  return table as number[];
}

/**
 * The `Atomics.wait` timeout (ms) for a wait of `waitNs`: rounded up to its step, at least one
 * step. Up to MAX_PARK_NS never a new heap number; a longer wait (rare: a host idles at most 5 ms
 * at a time) is computed, one box per such park.
 */
export function parkTimeoutMs(waitNs: number): number {
  // NaN and waits of at most one step take the first entry.
  if (!(waitNs > FINE_STEP_NS)) return TIMEOUTS_MS[0];
  if (waitNs <= FINE_UNTIL_NS) return TIMEOUTS_MS[Math.ceil(waitNs / FINE_STEP_NS) - 1];
  if (waitNs <= MAX_PARK_NS)
    return TIMEOUTS_MS[FINE_COUNT + Math.ceil((waitNs - FINE_UNTIL_NS) / COARSE_STEP_NS) - 1];
  return waitNs / NS_PER_MS;
}
