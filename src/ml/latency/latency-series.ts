/** Latency samples of one venue in time order: what every source (CSV, recording, simulator) yields. */
export interface LatencySeries {
  readonly venue: string;
  /** Stamp of each measurement (the ack's arrival), ns. */
  readonly tsNs: Float64Array;
  readonly latencyNs: Float64Array;
  /** Size of the order each measurement belongs to (0 when unknown, e.g. probes and CSV). */
  readonly orderQty: Float64Array;
}

export interface LatencySamples {
  readonly series: readonly LatencySeries[];
  /** Added to stamps to get ns since the Unix epoch (time-of-day features). */
  readonly wallOffsetNs: number;
  /** Where the samples came from, for metadata and reports. */
  readonly origin: string;
}

/** Builds a series from unsorted columns, sorted by stamp (stable: equal stamps keep their order). */
export function seriesFrom(venue: string, ts: number[], latency: number[], qty: number[]): LatencySeries {
  const order = ts.map((_, i) => i).sort((a, b) => ts[a] - ts[b] || a - b);
  return {
    venue,
    tsNs: Float64Array.from(order, (i) => ts[i]),
    latencyNs: Float64Array.from(order, (i) => latency[i]),
    orderQty: Float64Array.from(order, (i) => qty[i]),
  };
}

export function totalSamples(s: LatencySamples): number {
  return s.series.reduce((n, v) => n + v.tsNs.length, 0);
}
