/**
 * A Prometheus metric whose values are read from the pipeline's shared counters and histograms at
 * scrape time, so nothing on the hot path ever calls prom-client. Registered on a prom-client
 * Registry next to its default process metrics.
 */
import { bucketUpperNs, type DurationHistogram } from '../shm/duration-histogram.js';

export type Labels = Record<string, string>;

interface MetricValue {
  metricName?: string;
  labels: Labels;
  value: number;
}

interface MetricData {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  values: MetricValue[];
  aggregator: 'sum';
}

/**
 * Seconds. Dense from 5 us to 10 ms, where tick-to-order, stage and order-to-ack times live here
 * (about 1-2-3-5-7.5 per decade, so histogram_quantile interpolates within ~1.5x), sparse above
 * for outages and spikes. Every bound falls on an edge of the shared histogram's buckets.
 */
export const LATENCY_BUCKETS_S = [
  1e-6, 2.5e-6, 5e-6, 7.5e-6, 1e-5, 1.5e-5, 2e-5, 3e-5, 5e-5, 7.5e-5, 1e-4, 1.5e-4, 2e-4, 3e-4, 5e-4, 7.5e-4,
  1e-3, 1.5e-3, 2e-3, 3e-3, 5e-3, 7.5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1, 2.5, 10, 30,
];

export class SnapshotMetric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
    private readonly read: () => { labels: Labels; value: number }[],
  ) {}

  async get(): Promise<MetricData> {
    const values = this.read().map((v) => ({ labels: v.labels, value: v.value }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}

export class SnapshotHistogram {
  readonly type = 'histogram';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly series: () => { labels: Labels; hist: DurationHistogram }[],
  ) {}

  async get(): Promise<MetricData> {
    const values: MetricValue[] = [];
    for (const { labels, hist } of this.series()) {
      // One copy of the live counts, so buckets, +Inf and _count agree within a scrape.
      const counts = hist.counts.slice();
      let cumulative = 0;
      let i = 0;
      for (const le of LATENCY_BUCKETS_S) {
        const boundNs = le * 1e9 * (1 + 1e-12);
        while (i < counts.length && bucketUpperNs(i) <= boundNs) cumulative += counts[i++];
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { ...labels, le: String(le) },
          value: cumulative,
        });
      }
      while (i < counts.length) cumulative += counts[i++];
      values.push({
        metricName: `${this.name}_bucket`,
        labels: { ...labels, le: '+Inf' },
        value: cumulative,
      });
      values.push({ metricName: `${this.name}_sum`, labels, value: hist.sumNs / 1e9 });
      values.push({ metricName: `${this.name}_count`, labels, value: cumulative });
    }
    return { name: this.name, help: this.help, type: 'histogram', values, aggregator: 'sum' };
  }
}
