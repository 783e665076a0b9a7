/**
 * The order path of a venue in the venue world: a round trip drawn from the venue's latency config
 * in its current hidden state (normal or congested median and jitter, spike probability raised
 * during a spike burst), times the load factor of our own order rate, split into an entry leg (to
 * the venue) and a response leg (back), as hftbacktest splits order latency (leg-latency.ts). A venue that is down
 * never answers: the order times out.
 */
import type { VenueLatencyConfig } from '../../config/config-types.js';
import type { Random } from '../../core/random.js';

export { ENTRY_SHARE } from './leg-latency.js';

export class OrderLatency {
  private readonly medians: Float64Array;
  private readonly sigma: Float64Array;
  private readonly spikeProb: Float64Array;
  private readonly spikeNs: Float64Array;

  constructor(venues: readonly { readonly latency: VenueLatencyConfig }[]) {
    const n = venues.length;
    this.medians = new Float64Array(2 * n);
    this.sigma = new Float64Array(2 * n);
    this.spikeProb = new Float64Array(2 * n);
    this.spikeNs = Float64Array.from(venues, (v) => v.latency.spike_us * 1e3);
    venues.forEach(({ latency: l }, v) => {
      this.medians[2 * v] = l.base_us * 1e3;
      this.sigma[2 * v] = l.jitter_sigma;
      this.medians[2 * v + 1] = (l.regimes?.congested_base_us ?? l.base_us) * 1e3;
      this.sigma[2 * v + 1] = l.regimes?.congested_sigma ?? l.jitter_sigma;
      this.spikeProb[2 * v] = l.spike_prob;
      this.spikeProb[2 * v + 1] = l.bursts?.spike_prob ?? l.spike_prob;
    });
  }

  /** A round trip of venue `v` in the given hidden state, before load, ns. */
  sampleRoundTripNs(v: number, congested: boolean, burst: boolean, rng: Random): number {
    const k = 2 * v + (congested ? 1 : 0);
    let ns = rng.logNormal(this.medians[k], this.sigma[k]);
    if (rng.next() < this.spikeProb[2 * v + (burst ? 1 : 0)]) ns += this.spikeNs[v] * (0.5 + rng.next());
    return ns;
  }

  /** Mean round trip of venue `v` in the given hidden state, before load, ns. */
  meanRoundTripNs(v: number, congested: boolean, burst: boolean): number {
    const k = 2 * v + (congested ? 1 : 0);
    const s = this.sigma[k];
    return (
      this.medians[k] * Math.exp((s * s) / 2) + this.spikeProb[2 * v + (burst ? 1 : 0)] * this.spikeNs[v]
    );
  }

  /**
   * The venue's true latency law in the given hidden state, before load: writes [p50, p90, p99,
   * mean] ns into `out` (log-normal quantiles; a spike at least as likely as the quantile's tail
   * sets it instead). `z90`, `z99`: standard normal quantiles.
   */
  lawNs(v: number, congested: boolean, burst: boolean, z90: number, z99: number, out: Float64Array): void {
    const k = 2 * v + (congested ? 1 : 0);
    const median = this.medians[k];
    const sigma = this.sigma[k];
    const spikeProb = this.spikeProb[2 * v + (burst ? 1 : 0)];
    const spike = this.spikeNs[v];
    out[0] = spikeProb > 0.5 ? median + spike : median;
    out[1] = spikeProb > 0.1 ? median + spike : median * Math.exp(z90 * sigma);
    out[2] = spikeProb > 0.01 ? median + 1.5 * spike : median * Math.exp(z99 * sigma);
    out[3] = this.meanRoundTripNs(v, congested, burst);
  }
}
