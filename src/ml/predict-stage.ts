/**
 * Predict: turns latency samples into per-venue forecasts and publishes them to the forecast
 * table, which the route stage reads without waiting. Beside the order path, never on it.
 */
import type { Clock } from '../core/clock.js';
import type { PipelineMetrics } from '../pipeline/pipeline-metrics.js';
import type { LatencySample } from '../shm/records.js';
import type { EwmaLatencyForecaster } from './ewma-latency-forecaster.js';
import { FORECAST_COLS, ForecastCol, type ForecastTable } from './forecast-table.js';

export class PredictStage {
  private readonly row = new Float64Array(FORECAST_COLS);
  private dirty = false;
  private readonly samplesSlot: number;
  private readonly refreshSlot: number;

  constructor(
    private readonly forecaster: EwmaLatencyForecaster,
    private readonly table: ForecastTable,
    private readonly clock: Clock,
    private readonly metrics: PipelineMetrics,
  ) {
    this.samplesSlot = metrics.slot('latency_samples');
    this.refreshSlot = metrics.slot('forecast_refreshes');
  }

  onLatencySample(sample: LatencySample): void {
    if (!(sample.venueId >= 0 && sample.venueId < this.table.venueCount)) return;
    this.forecaster.observe(sample.venueId, sample.latencyNs);
    this.metrics.counters.add(this.samplesSlot, 1);
    this.metrics.hist.stage_predict.record(this.clock.nowNs() - sample.tsNs);
    this.dirty = true;
  }

  /** Publishes fresh forecasts for every venue if samples arrived since the last refresh. */
  refresh(): boolean {
    if (!this.dirty) return false;
    this.dirty = false;
    const start = this.clock.nowNs();
    for (let v = 0; v < this.table.venueCount; v++) {
      if (!this.forecaster.forecast(v, this.row)) continue;
      this.row[ForecastCol.samples] = this.forecaster.samples(v);
      this.row[ForecastCol.updatedTsNs] = start;
      this.table.publish(v, this.row);
    }
    this.metrics.hist.predict_inference.record(this.clock.nowNs() - start);
    this.metrics.counters.add(this.refreshSlot, 1);
    return true;
  }
}
