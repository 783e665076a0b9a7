/**
 * A latency histogram in a SharedArrayBuffer: one writing thread records, the main thread reads
 * percentiles and Prometheus buckets. Buckets are decade-linear: each power of ten from 10 ns to
 * 100 s is cut into 90 equal steps (1.0, 1.1, ... 9.9 x 10^k ns), so a percentile is within 5% of
 * the true value and every Prometheus bound of the form d.d x 10^k falls on a bucket edge.
 */
const SUB_BUCKETS = 90;
const MIN_DECADE = 1; // 10 ns
const MAX_DECADE = 11; // 100 s
const DECADES = MAX_DECADE - MIN_DECADE;
/** Bucket 0 holds values below 10 ns; the last holds values of 100 s and above. */
export const HISTOGRAM_BUCKETS = DECADES * SUB_BUCKETS + 2;

const COUNT = 0;
const SUM = 1;
const MIN = 2;
const MAX = 3;
const STATS_F64 = 8;

const POW10: number[] = [];
for (let k = 0; k <= MAX_DECADE + 1; k++) POW10.push(10 ** k);

export interface DurationHistogramHandle {
  readonly buffer: SharedArrayBuffer;
}

export function createDurationHistogram(): DurationHistogramHandle {
  const buffer = new SharedArrayBuffer(STATS_F64 * 8 + HISTOGRAM_BUCKETS * 8);
  new Float64Array(buffer, 0, STATS_F64)[MIN] = Number.POSITIVE_INFINITY;
  return { buffer };
}

/** Index of the bucket holding `ns`. */
export function bucketIndex(ns: number): number {
  if (!(ns >= 10)) return 0;
  if (ns >= POW10[MAX_DECADE]) return HISTOGRAM_BUCKETS - 1;
  let k = Math.floor(Math.log10(ns));
  if (ns < POW10[k])
    k--; // log10 rounding just below a power of ten
  else if (ns >= POW10[k + 1]) k++;
  const sub = Math.floor((ns * 10) / POW10[k]) - 10;
  return 1 + (k - MIN_DECADE) * SUB_BUCKETS + Math.min(SUB_BUCKETS - 1, Math.max(0, sub));
}

/** Inclusive lower edge of bucket `i` in ns. */
export function bucketLowerNs(i: number): number {
  if (i <= 0) return 0;
  if (i >= HISTOGRAM_BUCKETS - 1) return POW10[MAX_DECADE];
  const k = MIN_DECADE + Math.floor((i - 1) / SUB_BUCKETS);
  const sub = (i - 1) % SUB_BUCKETS;
  return ((10 + sub) * POW10[k]) / 10;
}

/** Exclusive upper edge of bucket `i` in ns. */
export function bucketUpperNs(i: number): number {
  return i >= HISTOGRAM_BUCKETS - 1 ? Number.POSITIVE_INFINITY : bucketLowerNs(i + 1);
}

export interface DurationSummaryUs {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export class DurationHistogram {
  readonly stats: Float64Array;
  readonly counts: Float64Array;

  constructor(handle: DurationHistogramHandle = createDurationHistogram()) {
    this.stats = new Float64Array(handle.buffer, 0, STATS_F64);
    this.counts = new Float64Array(handle.buffer, STATS_F64 * 8, HISTOGRAM_BUCKETS);
  }

  observe(ns: number): void {
    if (!(ns >= 0)) return; // NaN or negative: a clock bug upstream, never a latency
    this.counts[bucketIndex(ns)]++;
    const s = this.stats;
    s[COUNT]++;
    s[SUM] += ns;
    if (ns < s[MIN]) s[MIN] = ns;
    if (ns > s[MAX]) s[MAX] = ns;
  }

  get count(): number {
    return this.stats[COUNT];
  }

  get sumNs(): number {
    return this.stats[SUM];
  }

  get maxNs(): number {
    return this.stats[MAX];
  }

  get minNs(): number {
    return this.stats[COUNT] === 0 ? 0 : this.stats[MIN];
  }

  /** The q-quantile (0..1) in ns: the midpoint of its bucket, clamped to the observed min/max. */
  quantileNs(q: number): number {
    const total = this.stats[COUNT];
    if (total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        const upper = Math.min(bucketUpperNs(i), this.stats[MAX]);
        const mid = (bucketLowerNs(i) + upper) / 2;
        return Math.min(Math.max(mid, this.stats[MIN]), this.stats[MAX]);
      }
    }
    return this.stats[MAX];
  }

  /** Observations at or below `ns`, counting whole buckets whose upper edge is <= ns. */
  countAtOrBelow(ns: number): number {
    let n = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS && bucketUpperNs(i) <= ns * (1 + 1e-12); i++) n += this.counts[i];
    return n;
  }

  summaryUs(): DurationSummaryUs {
    const us = (ns: number) => Math.round(ns / 10) / 100;
    return {
      count: this.count,
      p50: us(this.quantileNs(0.5)),
      p95: us(this.quantileNs(0.95)),
      p99: us(this.quantileNs(0.99)),
      p999: us(this.quantileNs(0.999)),
      max: us(this.maxNs),
    };
  }

  /** Adds another histogram's observations into this one (thread-local merge, reports). */
  merge(other: DurationHistogram): void {
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) this.counts[i] += other.counts[i];
    const s = this.stats;
    const o = other.stats;
    s[COUNT] += o[COUNT];
    s[SUM] += o[SUM];
    if (o[COUNT] > 0) {
      if (o[MIN] < s[MIN]) s[MIN] = o[MIN];
      if (o[MAX] > s[MAX]) s[MAX] = o[MAX];
    }
  }

  reset(): void {
    this.counts.fill(0);
    this.stats.fill(0);
    this.stats[MIN] = Number.POSITIVE_INFINITY;
  }
}

/** A private copy of a histogram's current state (for deltas between two moments). */
export function snapshotHistogram(h: DurationHistogram): DurationHistogram {
  const copy = new DurationHistogram();
  copy.merge(h);
  return copy;
}

/**
 * Observations recorded between two snapshots. Min and max of the interval are not kept by the
 * counts, so they are bounded by the edges of the lowest and highest non-empty bucket.
 */
export function histogramDelta(later: DurationHistogram, earlier: DurationHistogram): DurationHistogram {
  const d = new DurationHistogram();
  let lo = -1;
  let hi = -1;
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
    const n = later.counts[i] - earlier.counts[i];
    d.counts[i] = n;
    if (n > 0) {
      if (lo < 0) lo = i;
      hi = i;
    }
  }
  d.stats[0] = later.count - earlier.count;
  d.stats[1] = later.sumNs - earlier.sumNs;
  d.stats[2] = lo < 0 ? Number.POSITIVE_INFINITY : Math.max(bucketLowerNs(lo), later.minNs);
  d.stats[3] = hi < 0 ? 0 : Math.min(bucketUpperNs(hi), later.maxNs);
  return d;
}
