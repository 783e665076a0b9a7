/**
 * Predict: turns latency samples into per-venue forecasts and publishes them to the forecast
 * table, which the route stage reads without waiting. Beside the order path, never on it.
 */
import type { Clock } from '../core/clock.js';
import { VenueFlag, type VenueFlagSink } from '../run-state/control-block.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import { LatencyKind, type LatencySample } from '../shm/records.js';
import { FORECAST_COLS, ForecastCol, type ForecastTable } from './forecast-table.js';

/**
 * What predict needs from a forecaster: the EWMA one, or the ONNX model's
 * (ModelLatencyForecaster), which runs one inference over every venue per refresh.
 */
export interface VenueForecaster {
  observe(venueId: number, latencyNs: number, tsNs: number, orderQty: number): void;
  /** [p50, p90, p99, mean] ns into `out`; false before any sample. */
  forecast(venueId: number, out: Float64Array): boolean;
  samples(venueId: number): number;
  /** Model forecasters: compute every venue's forecast as of `nowNs` before they are read. */
  update?(nowNs: number): void;
  /** Model forecasters: a throw-away inference after an idle spell (ModelLatencyForecaster). */
  keepWarm?(nowNs: number): void;
  /** Model forecasters: when `keepWarm` next has work. */
  nextWarmNs?(): number;
  /** Model forecasters: frees the native session at the end of the run. */
  release?(): void;
}

/** Weight of each refresh in a venue's baseline p50 (slow, and frozen while the breaker is open). */
const BASELINE_ALPHA = 0.01;
/** The breaker closes again once p50 is back under this fraction of the trip level. */
const RECOVER_FRACTION = 0.75;
/** Refreshes with samples before a venue's baseline is trusted. */
const WARMUP_REFRESHES = 10;
/** Weight of each sample in a venue's mean absolute forecast error (about the last 20 samples). */
const ERROR_ALPHA = 0.05;
/**
 * An open latency breaker gets no orders, so (without probes) no samples that could close it:
 * after this long it is half-opened, letting orders through until PROBE_SAMPLES new samples decide.
 */
export const SPIKE_RETRY_NS = 5e9;
const PROBE_SAMPLES = 5;
const Breaker = { closed: 0, open: 1, halfOpen: 2 } as const;

export class PredictStage {
  private readonly row = new Float64Array(FORECAST_COLS);
  private readonly baselineP50: Float64Array;
  private readonly refreshesSeen: Float64Array;
  private readonly spiking: Uint8Array;
  /** The p50 each venue's router reads now (NaN before the first publish), to score new samples. */
  private readonly publishedP50Ns: Float64Array;
  private readonly errorSlots: Int32Array;
  private readonly errorCountSlots: Int32Array;
  /** When each venue's breaker opened (ns), and its sample count when it was half-opened. */
  private readonly openedNs: Float64Array;
  private readonly probeFrom: Float64Array;
  private openCount = 0;
  private dirty = false;
  private readonly samplesSlot: number;
  private readonly refreshSlot: number;
  private readonly tripSlot: number;

  constructor(
    private readonly forecaster: VenueForecaster,
    private readonly table: ForecastTable,
    private readonly clock: Clock,
    private readonly metrics: PipelineMetrics,
    private readonly venueFlags: VenueFlagSink,
    private readonly spikeFactor: number,
    private readonly retryNs = SPIKE_RETRY_NS,
  ) {
    this.openedNs = new Float64Array(table.venueCount);
    this.probeFrom = new Float64Array(table.venueCount);
    this.baselineP50 = new Float64Array(table.venueCount);
    this.refreshesSeen = new Float64Array(table.venueCount);
    this.spiking = new Uint8Array(table.venueCount);
    this.publishedP50Ns = new Float64Array(table.venueCount).fill(Number.NaN);
    this.errorSlots = metrics.slots(table.venueCount, (v) => `venue_${v}_forecast_error_ns`);
    this.errorCountSlots = metrics.slots(table.venueCount, (v) => `venue_${v}_forecast_errors`);
    this.samplesSlot = metrics.slot('latency_samples');
    this.refreshSlot = metrics.slot('forecast_refreshes');
    this.tripSlot = metrics.slot('venue_breaker_trips');
  }

  onLatencySample(sample: LatencySample): void {
    if (!(sample.venueId >= 0 && sample.venueId < this.table.venueCount)) return;
    // Our own processing time says nothing about the venue (it is recorded for backtests).
    if (sample.kind === LatencyKind.decision) return;
    this.scoreForecast(sample.venueId, sample.latencyNs);
    this.forecaster.observe(sample.venueId, sample.latencyNs, sample.tsNs, sample.orderQty);
    this.metrics.counters.add(this.samplesSlot, 1);
    this.metrics.hist.stage_predict.observe(this.clock.nowNs() - sample.tsNs);
    this.dirty = true;
  }

  /** Frees what the forecaster holds outside the JavaScript heap (the model's native session). */
  release(): void {
    this.forecaster.release?.();
  }

  /** Keeps a model forecaster's inference warm between refreshes. */
  keepWarm(nowNs: number): void {
    this.forecaster.keepWarm?.(nowNs);
  }

  /** When `keepWarm` next has work (+Infinity: never). */
  nextWarmNs(): number {
    return this.forecaster.nextWarmNs?.() ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Publishes forecasts for every venue if samples arrived since the last refresh; the refresh
   * (features, the model's inference, publishing) is timed as `predict_inference`.
   */
  refresh(): boolean {
    if (!this.dirty) return false;
    const start = this.clock.nowNs();
    this.forecaster.update?.(start);
    this.dirty = false;
    for (let v = 0; v < this.table.venueCount; v++) {
      if (!this.forecaster.forecast(v, this.row)) continue;
      this.row[ForecastCol.samples] = this.forecaster.samples(v);
      this.row[ForecastCol.updatedTsNs] = start;
      this.table.publish(v, this.row);
      this.publishedP50Ns[v] = this.row[ForecastCol.p50Ns];
      this.watchSpike(v, this.row[ForecastCol.p50Ns]);
    }
    this.metrics.hist.predict_inference.observe(this.clock.nowNs() - start);
    this.metrics.counters.add(this.refreshSlot, 1);
    return true;
  }

  /**
   * Forecast error: |published p50 - measured latency| for each sample, before the sample moves
   * the forecast, kept as a per-venue mean (EWMA, warming up as a running average) in ns.
   */
  private scoreForecast(v: number, latencyNs: number): void {
    const forecastNs = this.publishedP50Ns[v];
    if (!(forecastNs > 0) || !(latencyNs > 0) || !Number.isFinite(latencyNs)) return;
    const counters = this.metrics.counters;
    const n = counters.get(this.errorCountSlots[v]) + 1;
    const a = Math.max(ERROR_ALPHA, 1 / n);
    const mean = counters.get(this.errorSlots[v]);
    counters.set(this.errorSlots[v], mean + a * (Math.abs(latencyNs - forecastNs) - mean));
    counters.set(this.errorCountSlots[v], n);
  }

  /**
   * Half-opens the latency breakers that have been open for `retryNs` (SPIKE_RETRY_NS): their
   * venues get orders again until new samples say whether they are still slow. Cheap; called on
   * every poll, samples or not (with every venue out, no sample would ever come).
   */
  /** When the next open latency breaker is due to be half-opened (ns); +Infinity when none is open. */
  nextRetryNs(): number {
    if (this.openCount === 0) return Number.POSITIVE_INFINITY;
    let due = Number.POSITIVE_INFINITY;
    for (let v = 0; v < this.table.venueCount; v++)
      if (this.spiking[v] === Breaker.open) due = Math.min(due, this.openedNs[v] + this.retryNs);
    return due;
  }

  retryOpenBreakers(nowNs: number): void {
    if (this.openCount === 0) return;
    for (let v = 0; v < this.table.venueCount; v++) {
      if (this.spiking[v] !== Breaker.open || nowNs - this.openedNs[v] < this.retryNs) continue;
      this.spiking[v] = Breaker.halfOpen;
      this.openCount--;
      this.probeFrom[v] = this.forecaster.samples(v);
      this.venueFlags.setVenueFlag(v, VenueFlag.latencySpike, false);
    }
  }

  /**
   * Venue latency breaker: opens when the forecast p50 exceeds `spikeFactor` times the venue's
   * baseline, in the same refresh that publishes the forecast, so the router stops sending there
   * from its next order; closes once p50 is back under 75% of the trip level. Half-opened after
   * `retryNs` (retryOpenBreakers), it closes or opens again on the next PROBE_SAMPLES samples.
   */
  private watchSpike(v: number, p50: number): void {
    const seen = ++this.refreshesSeen[v];
    if (seen === 1) this.baselineP50[v] = p50;
    const trip = this.spikeFactor * this.baselineP50[v];
    switch (this.spiking[v]) {
      case Breaker.closed:
        if (seen > WARMUP_REFRESHES && p50 > trip) {
          this.open(v);
          this.metrics.counters.add(this.tripSlot, 1);
          return;
        }
        this.baselineP50[v] += BASELINE_ALPHA * (p50 - this.baselineP50[v]);
        return;
      case Breaker.open:
        if (p50 < RECOVER_FRACTION * trip) this.close(v);
        return;
      default:
        if (this.forecaster.samples(v) - this.probeFrom[v] < PROBE_SAMPLES) return;
        if (p50 > trip) {
          this.open(v);
          this.metrics.counters.add(this.tripSlot, 1);
        } else this.spiking[v] = Breaker.closed;
    }
  }

  private open(v: number): void {
    this.spiking[v] = Breaker.open;
    this.openCount++;
    this.openedNs[v] = this.clock.nowNs();
    this.venueFlags.setVenueFlag(v, VenueFlag.latencySpike, true);
  }

  private close(v: number): void {
    this.spiking[v] = Breaker.closed;
    this.openCount--;
    this.venueFlags.setVenueFlag(v, VenueFlag.latencySpike, false);
  }
}
