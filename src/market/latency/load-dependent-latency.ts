/**
 * Load dependence: a venue's gateway slows down when we send it many orders. Every
 * `sampleRoundTripNs` call is one order; the model keeps an exponentially decayed count of them
 * on the simulated clock (an unbiased order-rate estimate with time constant `windowNs`) and
 * scales the latency below by (rate / ref)^slope once the rate exceeds `refOrdersPerSec`.
 * A power law keeps growth bounded (doubling the load multiplies latency by 2^slope) while
 * still rewarding a router that spreads its orders.
 */
import type { Random } from '../../core/random.js';
import type { VenueLatencyModel } from './venue-latency-model.js';

export interface LoadParams {
  refOrdersPerSec: number;
  slope: number;
  /** Time constant of the order-rate estimate, ns. */
  windowNs: number;
}

export class LoadDependentLatency implements VenueLatencyModel {
  private rateHz = 0;
  private lastNs = Number.NaN;

  constructor(
    private readonly inner: VenueLatencyModel,
    private readonly p: LoadParams,
  ) {}

  sampleRoundTripNs(nowNs: number, rng: Random): number {
    const rate = this.recordOrder(nowNs);
    const ns = this.inner.sampleRoundTripNs(nowNs, rng);
    return rate > this.p.refOrdersPerSec ? ns * (rate / this.p.refOrdersPerSec) ** this.p.slope : ns;
  }

  /** Estimated recent order rate, orders per second (as of the last order). */
  get orderRateHz(): number {
    return this.rateHz;
  }

  private recordOrder(nowNs: number): number {
    // Decayed event count / window: each order adds 1/window s^-1 and fades as e^(-t/window).
    if (nowNs > this.lastNs) this.rateHz *= Math.exp(-(nowNs - this.lastNs) / this.p.windowNs);
    if (!(nowNs <= this.lastNs)) this.lastNs = nowNs; // also takes the first order (lastNs NaN)
    this.rateHz += 1e9 / this.p.windowNs;
    return this.rateHz;
  }
}
