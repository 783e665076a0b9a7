/**
 * A baseline latency forecaster: per venue, exponentially weighted mean and variance of
 * log-latency. Venue latency is close to log-normal, so quantiles are exp(mu + z_q * sigma).
 */
export interface LatencyForecaster {
  observe(venueId: number, latencyNs: number): void;
  /** Writes [p50, p90, p99, mean] in ns into `out`; returns false before any sample. */
  forecast(venueId: number, out: Float64Array): boolean;
}

/** Standard normal quantiles at 0.90 and 0.99. */
export const Z90 = 1.2815515655446004;
export const Z99 = 2.3263478740408408;

export class EwmaLatencyForecaster implements LatencyForecaster {
  private readonly mu: Float64Array;
  private readonly variance: Float64Array;
  private readonly mean: Float64Array;
  private readonly count: Float64Array;

  /** `alpha` is the weight of each new sample. */
  constructor(
    venues: number,
    private readonly alpha = 0.05,
  ) {
    this.mu = new Float64Array(venues);
    this.variance = new Float64Array(venues);
    this.mean = new Float64Array(venues);
    this.count = new Float64Array(venues);
  }

  observe(venueId: number, latencyNs: number): void {
    if (!(latencyNs > 0) || !Number.isFinite(latencyNs)) return;
    const x = Math.log(latencyNs);
    if (this.count[venueId] === 0) {
      this.mu[venueId] = x;
      this.mean[venueId] = latencyNs;
    } else {
      // Warm up with a running average so early forecasts are not dominated by the first sample.
      const a = Math.max(this.alpha, 1 / (this.count[venueId] + 1));
      const d = x - this.mu[venueId];
      this.mu[venueId] += a * d;
      this.variance[venueId] = (1 - a) * (this.variance[venueId] + a * d * d);
      this.mean[venueId] += a * (latencyNs - this.mean[venueId]);
    }
    this.count[venueId]++;
  }

  forecast(venueId: number, out: Float64Array): boolean {
    if (this.count[venueId] === 0) return false;
    const mu = this.mu[venueId];
    const sigma = Math.sqrt(this.variance[venueId]);
    out[0] = Math.exp(mu);
    out[1] = Math.exp(mu + Z90 * sigma);
    out[2] = Math.exp(mu + Z99 * sigma);
    out[3] = this.mean[venueId];
    return true;
  }

  samples(venueId: number): number {
    return this.count[venueId];
  }
}
