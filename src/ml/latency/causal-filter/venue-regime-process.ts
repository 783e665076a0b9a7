/**
 * The simulator's venue latency stack (createVenueLatencyModel, config market.venues[].latency)
 * as a HiddenStateProcess with its true parameters. Hidden: the congestion regime (normal /
 * congested) and the spike burst (off / on), two independent chains on the clock that both start
 * in state 0 at the first order; state = regime x 2 + burst. A sample is
 * load x log-normal(regime) + a spike uniform in [0.5, 1.5] x spike_us with the burst's spike
 * probability; the load factor is recomputed from the samples' send times (stamp - latency)
 * exactly as the venue counts our orders.
 *
 * Left out, and so within the filter's reach of a perfect one: outages (orders sent into one
 * yield no sample, so they only show as gaps), the send time of the next order (the forecast
 * moves the chains to the last ack's stamp), and in-flight orders acked out of send order.
 */
import type { VenueConfig, VenueLatencyConfig } from '../../../config/config-types.js';
import type { FilterReference } from './filter-forecasts.js';
import type { HiddenStateProcess } from './hidden-state-process.js';
import { twoStateTransition } from './hidden-state-process.js';
import { type SpikedLaw, spikedCdf, spikedPdf } from './lognormal-law.js';

const DEFAULT_LOAD_WINDOW_MS = 1000;

export class VenueRegimeProcess implements HiddenStateProcess {
  readonly states = 4;
  private readonly laws: SpikedLaw[];
  private readonly regimeStep = new Float64Array(4);
  private readonly burstStep = new Float64Array(4);
  private lastSendNs = Number.NaN;
  private lastAckNs = Number.NaN;
  private loadRateHz = 0;

  constructor(private readonly cfg: VenueLatencyConfig) {
    const r = cfg.regimes;
    const normal = { medianNs: cfg.base_us * 1e3, sigma: cfg.jitter_sigma };
    // Without regimes (or bursts) the chain never leaves state 0; the other states keep weight 0.
    const bodies = [normal, r ? { medianNs: r.congested_base_us * 1e3, sigma: r.congested_sigma } : normal];
    const spikeProbs = [cfg.spike_prob, cfg.bursts ? cfg.bursts.spike_prob : cfg.spike_prob];
    this.laws = [0, 1, 2, 3].map((s) => ({
      body: bodies[s >> 1],
      scale: 1,
      spikeProb: spikeProbs[s & 1],
      spikeLoNs: cfg.spike_us * 1e3 * 0.5,
      spikeHiNs: cfg.spike_us * 1e3 * 1.5,
    }));
  }

  start(prior: Float64Array): void {
    this.lastSendNs = Number.NaN;
    this.lastAckNs = Number.NaN;
    this.loadRateHz = 0;
    prior.set([1, 0, 0, 0]);
  }

  observe(tsNs: number, latencyNs: number, transition: Float64Array, likelihood: Float64Array): void {
    const sendNs = tsNs - latencyNs;
    const dtS = Number.isNaN(this.lastSendNs) ? 0 : Math.max(0, sendNs - this.lastSendNs) / 1e9;
    this.chainStep(dtS, transition);
    this.setScale(this.loadFactor(this.recordOrder(sendNs)));
    for (let s = 0; s < 4; s++) likelihood[s] = spikedPdf(this.laws[s], latencyNs);
    if (!(tsNs <= this.lastAckNs)) this.lastAckNs = tsNs;
  }

  nextTransition(transition: Float64Array): void {
    const dtS = Math.max(0, this.lastAckNs - this.lastSendNs) / 1e9;
    this.chainStep(Number.isFinite(dtS) ? dtS : 0, transition);
    this.setScale(this.loadFactor(this.rateAt(this.lastAckNs) + this.loadIncrementHz()));
  }

  private setScale(scale: number): void {
    for (const law of this.laws) law.scale = scale;
  }

  nextCdf(state: number, xNs: number): number {
    return spikedCdf(this.laws[state], xNs);
  }

  nextScaleNs(state: number): number {
    const law = this.laws[state];
    return law.body.medianNs * law.scale;
  }

  /** Both chains over `dtS`: the Kronecker product of their 2 x 2 matrices. */
  private chainStep(dtS: number, out: Float64Array): void {
    const r = this.cfg.regimes;
    const b = this.cfg.bursts;
    twoStateTransition(r ? r.enter_per_s : 0, r ? r.exit_per_s : 0, dtS, this.regimeStep);
    twoStateTransition(b ? b.per_min / 60 : 0, b ? 1000 / b.mean_ms : 0, dtS, this.burstStep);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++)
        out[i * 4 + j] = this.regimeStep[(i >> 1) * 2 + (j >> 1)] * this.burstStep[(i & 1) * 2 + (j & 1)];
  }

  /** The venue's decayed order count (load-dependent-latency.ts) after an order sent at `sendNs`. */
  private recordOrder(sendNs: number): number {
    this.loadRateHz = this.rateAt(sendNs) + this.loadIncrementHz();
    if (!(sendNs <= this.lastSendNs)) this.lastSendNs = sendNs;
    return this.loadRateHz;
  }

  private rateAt(nowNs: number): number {
    const windowNs = this.loadWindowNs();
    return nowNs > this.lastSendNs
      ? this.loadRateHz * Math.exp(-(nowNs - this.lastSendNs) / windowNs)
      : this.loadRateHz;
  }

  private loadIncrementHz(): number {
    return 1e9 / this.loadWindowNs();
  }

  private loadWindowNs(): number {
    return (this.cfg.load?.window_ms ?? DEFAULT_LOAD_WINDOW_MS) * 1e6;
  }

  private loadFactor(rateHz: number): number {
    const load = this.cfg.load;
    if (!load || rateHz <= load.ref_orders_per_s) return 1;
    return (rateHz / load.ref_orders_per_s) ** load.slope;
  }
}

/** The reference for simulated series (`VENUE#seed`): each venue's configured latency stack. */
export function venueFilterReference(venues: readonly VenueConfig[]): FilterReference {
  return {
    description: 'HMM forward filter with the true parameters (config market.venues latency)',
    processOf(series: string): HiddenStateProcess {
      const name = series.split('#')[0];
      const venue = venues.find((v) => v.name === name);
      if (!venue) throw new Error(`causal filter: no venue config for series ${series}`);
      return new VenueRegimeProcess(venue.latency);
    },
  };
}
