/**
 * Escaping and number formatting for the report. Formatting is done by hand rather than with
 * `toLocaleString`, whose output depends on the ICU data and locale of the machine: the report
 * must be byte-identical wherever it is rendered.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe in HTML/SVG text and in double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Fixed decimals with thousands separators: 12345.678 -> "12,345.68"; non-finite -> "–". */
export function formatNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '–';
  const fixed = Math.abs(value).toFixed(decimals);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const negative = value < 0 && Number(fixed) !== 0;
  return `${negative ? '−' : ''}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

/** US dollars with a sign: "+$1,234.56", "−$12.00". */
export function formatUsd(value: number, signed = true): string {
  if (!Number.isFinite(value)) return '–';
  const body = `$${formatNumber(Math.abs(value), 2)}`;
  if (value < 0 && Math.abs(value) >= 0.005) return `−${body}`;
  return signed && value > 0 && value >= 0.005 ? `+${body}` : body;
}

/** A ratio in [0, 1] as a percentage: 0.4321 -> "43.2%". */
export function formatPercent(ratio: number, decimals = 1): string {
  return Number.isFinite(ratio) ? `${formatNumber(ratio * 100, decimals)}%` : '–';
}

/** A duration in microseconds with a readable unit: 850 -> "850 µs", 1234 -> "1.23 ms". */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return '–';
  const abs = Math.abs(us);
  if (abs >= 1e6) return `${trimZeros((us / 1e6).toPrecision(3))} s`;
  if (abs >= 1e3) return `${trimZeros((us / 1e3).toPrecision(3))} ms`;
  if (abs >= 1) return `${trimZeros(us.toPrecision(3))} µs`;
  return `${trimZeros(us.toFixed(2))} µs`;
}

/**
 * Axis tick labels: the suffix follows the tick step, so one axis never mixes "500" and "1.0k"
 * (step 2000: 12000 -> "12k"; step 500: 1500 -> "1,500").
 */
export function formatCompact(value: number, step: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  for (const [size, suffix] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const) {
    if (abs >= size && step >= size)
      return `${formatNumber(value / size, decimalsFor(step / size))}${suffix}`;
  }
  return formatNumber(value, decimalsFor(step));
}

/** Decimals needed to tell apart values `step` apart (step 0.2 -> 1, step 5 -> 0). */
export function decimalsFor(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  return Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}

/** A single value in about three significant digits: 8.25, 612, 12,345, 1.23M. */
export function formatShort(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${value < 0 ? '−' : ''}${trimZeros((abs / 1e6).toPrecision(3))}M`;
  if (abs >= 100 || Number.isInteger(value)) return formatNumber(value, 0);
  return formatNumber(value, abs >= 10 ? 1 : 2);
}

function trimZeros(text: string): string {
  return text.includes('.') && !text.includes('e') ? text.replace(/\.?0+$/, '') : text;
}
