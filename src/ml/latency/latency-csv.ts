/**
 * CSV latency measurements (docs/contract.md `--samples`): the header `timestamp_ns,venue,latency_ns`,
 * then one measured round trip a row, any number of venues, rows in any order. Errors name the
 * file, the line and the reason, and map to exit status 2.
 */
import { type LatencySamples, type LatencySeries, seriesFrom } from './latency-series.js';

export const LATENCY_CSV_HEADER = 'timestamp_ns,venue,latency_ns';

export class LatencyCsvError extends Error {
  override readonly name = 'LatencyCsvError';
  readonly exitCode = 2;
  constructor(file: string, line: number, reason: string) {
    super(`${file}${line > 0 ? ` line ${line}` : ''}: ${reason}`);
  }
}

interface Columns {
  ts: number[];
  latency: number[];
}

export function parseLatencyCsv(text: string, file: string): LatencySamples {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').trim();
  if (header !== LATENCY_CSV_HEADER)
    throw new LatencyCsvError(
      file,
      1,
      `expected the header "${LATENCY_CSV_HEADER}", got "${header.slice(0, 80)}"`,
    );
  const byVenue = new Map<string, Columns>();
  let rows = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const [ts, venue, latency] = parseRow(line, file, i + 1);
    let cols = byVenue.get(venue);
    if (!cols) {
      cols = { ts: [], latency: [] };
      byVenue.set(venue, cols);
    }
    cols.ts.push(ts);
    cols.latency.push(latency);
    rows++;
  }
  if (rows === 0) throw new LatencyCsvError(file, 0, 'no data rows after the header');
  const series: LatencySeries[] = [...byVenue].map(([venue, c]) =>
    seriesFrom(venue, c.ts, c.latency, new Array<number>(c.ts.length).fill(0)),
  );
  return { series, wallOffsetNs: 0, origin: file };
}

function parseRow(line: string, file: string, lineNo: number): [number, string, number] {
  const cells = line.split(',');
  if (cells.length !== 3)
    throw new LatencyCsvError(
      file,
      lineNo,
      `expected 3 comma-separated fields, got ${cells.length}: "${line.slice(0, 80)}"`,
    );
  const ts = Number(cells[0]);
  const venue = cells[1].trim();
  const latency = Number(cells[2]);
  if (cells[0].trim() === '' || !Number.isFinite(ts))
    throw new LatencyCsvError(file, lineNo, `timestamp_ns must be a number, got "${cells[0]}"`);
  if (venue === '') throw new LatencyCsvError(file, lineNo, 'venue is empty');
  if (cells[2].trim() === '' || !Number.isFinite(latency) || latency <= 0)
    throw new LatencyCsvError(file, lineNo, `latency_ns must be a positive number, got "${cells[2]}"`);
  return [ts, venue, latency];
}

/** CSV text of `samples` (the inverse of parseLatencyCsv, for fixtures and exports). */
export function formatLatencyCsv(series: readonly LatencySeries[]): string {
  const rows: string[] = [LATENCY_CSV_HEADER];
  for (const s of series)
    for (let i = 0; i < s.tsNs.length; i++)
      rows.push(`${Math.round(s.tsNs[i])},${s.venue},${Math.round(s.latencyNs[i])}`);
  return `${rows.join('\n')}\n`;
}
