/**
 * The latency forecasts the routers read in the routing environment, published to a
 * ForecastTable as the predict stage publishes them. Probes every `probeIntervalNs` and the
 * answers to our orders come back after their round trip and feed the forecaster; a venue that is
 * down answers nothing. The forecaster is the one the daemon serves (`ewma`, or `onnx`: the
 * trained latency model through createForecaster), `none` (no forecast ever: the routers' "no
 * information" ablation) or `true`: quantiles of the true current latency law of each venue
 * (its hidden regime, burst, outage and our load), which no live router can know.
 */
import { join } from 'node:path';
import { Random } from '../../core/random.js';
import type { LoadMeter } from '../../venues/models/load-meter.js';
import type { OrderLatency } from '../../venues/models/order-latency.js';
import type { WorldTape } from '../../venues/models/world-tape.js';
import { createForecaster } from '../create-forecaster.js';
import { EwmaLatencyForecaster, Z90, Z99 } from '../ewma-latency-forecaster.js';
import { createForecastTable, FORECAST_COLS, ForecastCol, ForecastTable } from '../forecast-table.js';
import type { VenueForecaster } from '../predict-stage.js';
import type { RoutingEnvOptions } from './env-options.js';

/** A latency answer (probe or order) on its way back, and for orders the filled fraction. */
interface Answer {
  atNs: number;
  venueId: number;
  /** NaN for a timeout. */
  latencyNs: number;
  /** NaN for probes. */
  fillFraction: number;
  qty: number;
}

export class EnvForecasts {
  readonly table: ForecastTable;
  private readonly forecaster: VenueForecaster | null;
  private readonly rng: Random;
  private readonly row = new Float64Array(FORECAST_COLS);
  private answers: Answer[] = [];
  /** 1 while a venue's latest answer was a timeout (the daemon counts such a venue as out). */
  private readonly out: Uint8Array;
  private nextProbeNs = 0;

  constructor(
    private readonly opts: RoutingEnvOptions,
    private readonly tape: WorldTape,
    private readonly latency: OrderLatency,
    private readonly load: LoadMeter,
    seed: number,
  ) {
    const venues = tape.venueCount;
    this.table = new ForecastTable(createForecastTable(venues));
    this.rng = new Random(seed);
    this.out = new Uint8Array(venues);
    this.forecaster =
      opts.forecaster === 'ewma'
        ? new EwmaLatencyForecaster(venues)
        : opts.forecaster === 'onnx'
          ? onnxForecaster(venues, opts.latencyModelDir)
          : null;
  }

  /** An order's answer: when it is back, its round trip (NaN on timeout) and filled fraction. */
  onAnswer(venueId: number, atNs: number, latencyNs: number, fillFraction: number, qty: number): void {
    this.answers.push({ atNs, venueId, latencyNs, fillFraction, qty });
  }

  /** Delivers every probe and answer due by `tNs`, updating `fill` (per-venue fill ratio) and the table. */
  advanceTo(tNs: number, fill: Float64Array, fillAlpha: number): void {
    const interval = this.opts.probeIntervalNs;
    for (; this.nextProbeNs <= tNs; this.nextProbeNs += interval) this.probe(this.nextProbeNs);
    this.answers.sort((a, b) => a.atNs - b.atNs);
    let i = 0;
    for (; i < this.answers.length && this.answers[i].atNs <= tNs; i++) {
      const a = this.answers[i];
      this.out[a.venueId] = a.latencyNs > 0 ? 0 : 1;
      if (a.latencyNs > 0) this.forecaster?.observe(a.venueId, a.latencyNs, a.atNs, a.qty);
      if (!Number.isNaN(a.fillFraction)) fill[a.venueId] += fillAlpha * (a.fillFraction - fill[a.venueId]);
    }
    if (i > 0) this.answers.splice(0, i);
    if (this.opts.forecaster === 'true') this.publishTrue(tNs);
    else if (this.forecaster) this.publishForecasts(tNs);
  }

  /** False while the venue's latest answer was a timeout, until it answers again. */
  venueUsable(venueId: number): boolean {
    return this.out[venueId] === 0;
  }

  private probe(atNs: number): void {
    const tape = this.tape;
    for (let v = 0; v < tape.venueCount; v++) {
      if (tape.downAt(v, atNs)) continue;
      const rt =
        this.latency.sampleRoundTripNs(v, tape.congestedAt(v, atNs), tape.burstAt(v, atNs), this.rng) *
        this.load.factor(v, atNs, 0);
      this.answers.push({ atNs: atNs + rt, venueId: v, latencyNs: rt, fillFraction: Number.NaN, qty: 0 });
    }
  }

  private publishForecasts(tNs: number): void {
    const f = this.forecaster;
    if (!f) return;
    f.update?.(tNs);
    for (let v = 0; v < this.tape.venueCount; v++) {
      if (!f.forecast(v, this.row)) continue;
      this.row[ForecastCol.samples] = f.samples(v);
      this.row[ForecastCol.updatedTsNs] = tNs;
      this.table.publish(v, this.row);
    }
  }

  private publishTrue(tNs: number): void {
    const tape = this.tape;
    const row = this.row;
    for (let v = 0; v < tape.venueCount; v++) {
      if (tape.downAt(v, tNs)) row.fill(this.opts.timeoutNs, 0, 4);
      else {
        this.latency.lawNs(v, tape.congestedAt(v, tNs), tape.burstAt(v, tNs), Z90, Z99, row);
        const load = this.load.factor(v, tNs, 1);
        for (let c = 0; c < 4; c++) row[c] *= load;
      }
      row[ForecastCol.samples] = 1e6;
      row[ForecastCol.updatedTsNs] = tNs;
      this.table.publish(v, row);
    }
  }
}

function onnxForecaster(venues: number, dir: string | undefined): VenueForecaster {
  if (!dir) throw new Error('routing env: forecaster onnx needs latencyModelDir');
  return createForecaster({
    venues,
    modelPath: join(dir, 'model.onnx'),
    warmIntervalNs: 0,
    wallOffsetNs: 0,
    warn: (m) => {
      throw new Error(m);
    },
  });
}
