/**
 * Per-venue features of recent latency samples, the one module both training and the predict
 * stage use, so a model sees in production exactly what it was trained on. State lives in typed
 * arrays sized once; `observe` and `write` allocate nothing.
 *
 * Everything about level is relative to `reference` (a slow EWMA of log latency), so a model
 * learns shapes (how far the recent past sits above the usual level, how often it spikes) that
 * carry over to venues it never saw; the forecast is `exp(reference + output)`.
 */
import { SortedWindows } from './sorted-window.js';

export const LATENCY_FEATURES = [
  'last_log_rel',
  'ewma_fast_rel',
  'ewma_mid_rel',
  'rolling_q50_rel',
  'rolling_q90_rel',
  'rolling_q99_rel',
  'recent_max_rel',
  'jitter',
  'spike_share',
  'log_rate',
  'since_spike',
  'order_size',
  'tod_sin',
  'tod_cos',
] as const;
export const FEATURE_COUNT = LATENCY_FEATURES.length;

/** Constants of the feature definitions; stored in each model's metadata.json. */
export const FEATURE_PARAMS = {
  /** EWMA weights of log latency: fast, mid, and the slow reference level. */
  alphaFast: 0.3,
  alphaMid: 0.1,
  alphaRef: 0.02,
  alphaJitter: 0.1,
  alphaSpike: 0.05,
  alphaQty: 0.05,
  /** Rolling quantiles over this many samples. */
  window: 64,
  /** recent_max_rel: the largest of this many newest samples. */
  recentMax: 8,
  /** A sample this far above the reference in log space (x2.5) is a spike. */
  spikeLog: Math.log(2.5),
  /** Time constant of the message-rate estimate, ns. */
  rateTauNs: 1e9,
  /** since_spike is capped here (s); a venue that never spiked reads the cap. */
  spikeCapS: 600,
  /** Samples a venue needs before its features are used (training rows, model forecasts). */
  minSamples: 16,
} as const;

const DAY_NS = 86_400e9;
const TWO_PI = 2 * Math.PI;
/** Scales for inputs that are not log-ratios, to keep every input of order one. */
const LOG_RATE_SCALE = 5;
const QTY_SCALE = 10;

export class LatencyFeatures {
  private readonly n: Float64Array;
  private readonly last: Float64Array;
  private readonly fast: Float64Array;
  private readonly mid: Float64Array;
  private readonly ref: Float64Array;
  private readonly jitter: Float64Array;
  private readonly spikeShare: Float64Array;
  private readonly qty: Float64Array;
  private readonly rateHz: Float64Array;
  private readonly lastTsNs: Float64Array;
  private readonly lastSpikeTsNs: Float64Array;
  private readonly window: SortedWindows;

  /**
   * @param wallOffsetNs added to sample stamps to get ns since the Unix epoch (time of day):
   *   0 for CSV stamps, the process epoch's wall time for live and recorded stamps
   */
  constructor(
    readonly venues: number,
    private readonly wallOffsetNs = 0,
  ) {
    const arr = () => new Float64Array(venues);
    this.n = arr();
    this.last = arr();
    this.fast = arr();
    this.mid = arr();
    this.ref = arr();
    this.jitter = arr();
    this.spikeShare = arr();
    this.qty = arr();
    this.rateHz = arr();
    this.lastTsNs = arr();
    this.lastSpikeTsNs = arr().fill(Number.NaN);
    this.window = new SortedWindows(venues, FEATURE_PARAMS.window);
  }

  /** Takes one measured latency (ns) of venue `v`, stamped `tsNs`, for an order of `orderQty`. */
  observe(v: number, tsNs: number, latencyNs: number, orderQty: number): void {
    if (!(latencyNs > 0) || !Number.isFinite(latencyNs)) return;
    const p = FEATURE_PARAMS;
    const x = Math.log(latencyNs);
    const n = ++this.n[v];
    if (n === 1) {
      this.last[v] = this.fast[v] = this.mid[v] = this.ref[v] = x;
      this.qty[v] = Math.max(orderQty, 0);
      this.lastTsNs[v] = tsNs;
    } else {
      // Warm up as running means so the first samples do not dominate.
      const w = 1 / n;
      this.jitter[v] += Math.max(p.alphaJitter, w) * (Math.abs(x - this.last[v]) - this.jitter[v]);
      this.fast[v] += Math.max(p.alphaFast, w) * (x - this.fast[v]);
      this.mid[v] += Math.max(p.alphaMid, w) * (x - this.mid[v]);
      this.ref[v] += Math.max(p.alphaRef, w) * (x - this.ref[v]);
      if (orderQty > 0) this.qty[v] += Math.max(p.alphaQty, w) * (orderQty - this.qty[v]);
      this.last[v] = x;
    }
    const spike = x - this.ref[v] > p.spikeLog ? 1 : 0;
    this.spikeShare[v] += Math.max(p.alphaSpike, 1 / n) * (spike - this.spikeShare[v]);
    if (spike === 1) this.lastSpikeTsNs[v] = tsNs;
    this.rateHz[v] = this.rateAt(v, tsNs) + 1e9 / p.rateTauNs;
    if (tsNs > this.lastTsNs[v]) this.lastTsNs[v] = tsNs;
    this.window.push(v, x);
  }

  samples(v: number): number {
    return this.n[v];
  }

  /** True once venue `v` has enough history for its features to be used. */
  ready(v: number): boolean {
    return this.n[v] >= FEATURE_PARAMS.minSamples;
  }

  /** The level features are relative to (log ns); a forecast is exp(reference + model output). */
  reference(v: number): number {
    return this.ref[v];
  }

  /** Rolling quantile `q` of venue `v`'s window, in ns (the rolling-quantile baseline). */
  rollingQuantileNs(v: number, q: number): number {
    return Math.exp(this.window.quantile(v, q));
  }

  /** The newest sample of venue `v`, in ns (the last-value baseline). */
  lastNs(v: number): number {
    return Math.exp(this.last[v]);
  }

  /** Writes venue `v`'s FEATURE_COUNT features as of `nowNs` into `out` from `offset`. */
  write(v: number, nowNs: number, out: Float32Array, offset: number): void {
    const p = FEATURE_PARAMS;
    const r = this.ref[v];
    out[offset] = this.last[v] - r;
    out[offset + 1] = this.fast[v] - r;
    out[offset + 2] = this.mid[v] - r;
    out[offset + 3] = this.window.quantile(v, 0.5) - r;
    out[offset + 4] = this.window.quantile(v, 0.9) - r;
    out[offset + 5] = this.window.quantile(v, 0.99) - r;
    out[offset + 6] = this.window.recentMax(v, Math.min(p.recentMax, this.window.size(v))) - r;
    out[offset + 7] = this.jitter[v];
    out[offset + 8] = this.spikeShare[v];
    out[offset + 9] = Math.log1p(this.rateAt(v, nowNs)) / LOG_RATE_SCALE;
    out[offset + 10] = Math.log1p(this.sinceSpikeS(v, nowNs)) / Math.log1p(p.spikeCapS);
    out[offset + 11] = Math.log1p(this.qty[v]) / QTY_SCALE;
    const phase = ((((nowNs + this.wallOffsetNs) % DAY_NS) + DAY_NS) % DAY_NS) / DAY_NS;
    out[offset + 12] = Math.sin(TWO_PI * phase);
    out[offset + 13] = Math.cos(TWO_PI * phase);
  }

  /** Decayed message rate of venue `v` at `nowNs`, samples per second. */
  private rateAt(v: number, nowNs: number): number {
    const dt = nowNs - this.lastTsNs[v];
    return dt > 0 ? this.rateHz[v] * Math.exp(-dt / FEATURE_PARAMS.rateTauNs) : this.rateHz[v];
  }

  private sinceSpikeS(v: number, nowNs: number): number {
    const cap = FEATURE_PARAMS.spikeCapS;
    const t = this.lastSpikeTsNs[v];
    if (Number.isNaN(t)) return cap;
    return Math.min(cap, Math.max(0, (nowNs - t) / 1e9));
  }
}
