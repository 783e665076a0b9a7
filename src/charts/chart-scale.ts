/** Domains, "nice" tick positions and the value -> pixel maps the charts share. */

export type Domain = readonly [number, number];

export interface LinearTicks {
  /** Domain widened to whole steps, so the first and last ticks sit on the plot's edges. */
  domain: Domain;
  ticks: number[];
  step: number;
}

/** Min and max of the finite values, or undefined when there are none. */
export function finiteExtent(values: Iterable<number>): Domain | undefined {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** A zero-width domain (one point, a flat line) is widened so it still has a scale. */
export function widenDegenerate([lo, hi]: Domain): Domain {
  if (hi > lo) return [lo, hi];
  const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
  return [lo - pad, hi + pad];
}

/** Ticks at 1, 2 or 5 x 10^k covering the domain, about `count` of them. */
export function niceTicks(domain: Domain, count = 5): LinearTicks {
  const [lo, hi] = widenDegenerate(domain);
  const step = niceStep((hi - lo) / Math.max(1, count - 1));
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(roundTo(i * step, step));
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks, step };
}

function niceStep(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / magnitude;
  // Nearest of 1, 2, 5, 10 on a log scale (d3's thresholds), not the next one up: fewer empty gaps.
  const nice =
    fraction >= Math.sqrt(50) ? 10 : fraction >= Math.sqrt(10) ? 5 : fraction >= Math.sqrt(2) ? 2 : 1;
  return nice * magnitude;
}

/** Removes float noise (0.30000000000000004) from a multiple of `step`. */
function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const rounded = Number(value.toFixed(Math.min(20, decimals)));
  return rounded === 0 ? 0 : rounded;
}

/**
 * Log-axis domain and ticks for positive values: whole decades, with 2 and 5 in between when the
 * range spans few decades (otherwise the axis would carry one or two labels).
 */
export function logTicks(domain: Domain): LinearTicks {
  const lo = domain[0] > 0 ? domain[0] : 1;
  const hi = Math.max(domain[1], lo);
  const lowDecade = Math.floor(Math.log10(lo));
  let highDecade = Math.ceil(Math.log10(hi));
  if (highDecade === lowDecade) highDecade += 1;
  const decades = highDecade - lowDecade;
  const mantissas = decades <= 2 ? [1, 2, 5] : decades <= 4 ? [1, 3] : [1];
  const candidates: number[] = [];
  for (let d = lowDecade; d <= highDecade; d++)
    for (const m of mantissas) candidates.push(Number((m * 10 ** d).toPrecision(6)));
  // Trim to the data: the domain starts at the last tick <= lo and ends at the first tick >= hi.
  let start = 0;
  while (start + 1 < candidates.length && candidates[start + 1] <= lo) start++;
  let end = candidates.length - 1;
  while (end - 1 > start && candidates[end - 1] >= hi) end--;
  const ticks = candidates.slice(start, end + 1);
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks, step: 0 };
}

/** Maps a domain onto a pixel range; always returns a finite number. */
export function linearScale(domain: Domain, range: Domain): (v: number) => number {
  const [d0, d1] = widenDegenerate(domain);
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => (Number.isFinite(v) ? r0 + (v - d0) * k : r0);
}

export function logScale(domain: Domain, range: Domain): (v: number) => number {
  const toLog = (v: number) => Math.log10(v > 0 ? v : domain[0] > 0 ? domain[0] : 1);
  const inner = linearScale([toLog(domain[0]), toLog(domain[1])], range);
  return (v) => inner(toLog(v));
}

/** Formats a pixel coordinate compactly (one decimal); a non-finite value becomes 0, never "NaN". */
export function px(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const rounded = Math.round(value * 10) / 10;
  return String(rounded === 0 ? 0 : rounded);
}
