/**
 * Latency forecasts per venue, written by the predict stage and read by the router without
 * waiting (seqlock). Values are nanoseconds.
 */
import { createSeqlockTable, SeqlockTable, type SeqlockTableHandle } from '../shm/seqlock-table.js';

export const ForecastCol = { p50Ns: 0, p90Ns: 1, p99Ns: 2, meanNs: 3, samples: 4, updatedTsNs: 5 } as const;
export const FORECAST_COLS = 6;

export function createForecastTable(venues: number): SeqlockTableHandle {
  return createSeqlockTable(venues, FORECAST_COLS);
}

export class ForecastTable {
  readonly table: SeqlockTable;

  constructor(handle: SeqlockTableHandle) {
    this.table = new SeqlockTable(handle);
  }

  get venueCount(): number {
    return this.table.rows;
  }

  /** Forecast column for a venue; NaN before the first forecast. */
  get(venueId: number, col: number): number {
    return this.table.version(venueId) === 0 ? Number.NaN : this.table.read(venueId, col);
  }

  publish(venueId: number, row: Float64Array): void {
    this.table.writeRow(venueId, row);
  }
}
