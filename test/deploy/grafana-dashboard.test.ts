/**
 * The Grafana dashboard and its provisioning: the JSON parses, every panel queries metrics the
 * daemon exports (with labels they carry), the panels the issue asks for are there, and the
 * provisioning files point Grafana at the compose file's Prometheus and at this dashboard.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricsFixture } from '../monitoring/metrics-fixture.js';
import { metricRefs } from './promql-names.js';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(resolve(ROOT, p), 'utf8');

interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}

const dashboard = JSON.parse(read('deploy/grafana/dashboards/hft-router.json')) as {
  uid: string;
  title: string;
  panels: Panel[];
};
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');

/** Every series name the daemon exports, histogram names expanded to _bucket/_sum/_count, with labels. */
async function exportedSeries(): Promise<Map<string, Set<string>>> {
  const f = metricsFixture();
  f.metrics.hist.tick_to_order.observe(10e3); // so histograms carry samples with their labels
  const series = new Map<string, Set<string>>();
  for (const metric of await f.prom.getMetricsAsJSON()) {
    const names =
      String(metric.type) === 'histogram'
        ? ['_bucket', '_sum', '_count'].map((s) => metric.name + s)
        : [metric.name];
    for (const n of names) series.set(n, new Set(['job', 'instance']));
    for (const v of metric.values as { labels: Record<string, unknown>; metricName?: string }[]) {
      for (const n of names) for (const l of Object.keys(v.labels)) series.get(n)?.add(l);
    }
  }
  return series;
}

describe('Grafana dashboard deploy/grafana/dashboards/hft-router.json', () => {
  it('parses, has a uid and title, and every panel has at least one query', () => {
    expect(dashboard.uid).toBe('hft-router');
    expect(dashboard.title).toBe('hft-router');
    expect(panels.length).toBeGreaterThanOrEqual(10);
    for (const p of panels) expect(p.targets?.length, p.title).toBeGreaterThan(0);
  });

  it('queries only metrics the daemon exports, with labels those metrics carry', async () => {
    const exported = await exportedSeries();
    let refs = 0;
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        const found = metricRefs(t.expr);
        expect(found.length, `${p.title}: ${t.expr}`).toBeGreaterThan(0);
        for (const ref of found) {
          refs++;
          expect(exported.has(ref.name), `${p.title}: ${ref.name} is not exported`).toBe(true);
          for (const label of ref.labels)
            expect(exported.get(ref.name)?.has(label), `${p.title}: ${ref.name} has no label ${label}`).toBe(
              true,
            );
        }
      }
    }
    expect(refs).toBeGreaterThanOrEqual(panels.length);
  });

  it('has the panels operators look for: P&L, latency heatmap, venue comparison, risk, breakers', () => {
    const byType = (type: string) => panels.filter((p) => p.type === type);
    const exprs = (p: Panel) => (p.targets ?? []).map((t) => t.expr).join(' ');
    expect(panels.some((p) => /P&L/.test(p.title) && exprs(p).includes('hft_pnl'))).toBe(true);
    expect(byType('heatmap').some((p) => exprs(p).includes('hft_tick_to_order_seconds_bucket'))).toBe(true);
    expect(
      panels.filter((p) => /by venue/i.test(exprs(p)) || exprs(p).includes('venue')).length,
    ).toBeGreaterThanOrEqual(3);
    expect(panels.some((p) => exprs(p).includes('hft_risk_utilization_ratio'))).toBe(true);
    expect(panels.some((p) => exprs(p).includes('hft_circuit_breaker_open'))).toBe(true);
    expect(panels.some((p) => exprs(p).includes('hft_latency_forecast_error_seconds'))).toBe(true);
  });

  it('uses the provisioned datasource, and the provider loads the folder compose mounts', () => {
    const ds = parse(read('deploy/grafana/provisioning/datasources/prometheus.yml'));
    const source = ds.datasources[0];
    expect(source).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    for (const p of panels) {
      expect(p.datasource?.uid, p.title).toBe(source.uid);
      for (const t of p.targets ?? []) expect(t.datasource?.uid ?? source.uid, p.title).toBe(source.uid);
    }
    const provider = parse(read('deploy/grafana/provisioning/dashboards/hft-router.yml')).providers[0];
    const compose = parse(read('docker-compose.yml'));
    expect(compose.services.grafana.volumes).toContain(
      `./deploy/grafana/dashboards:${provider.options.path}:ro`,
    );
    expect(compose.services.grafana.volumes).toContain(
      './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
    );
  });
});

describe('metricRefs (PromQL names)', () => {
  it('finds metric names and matcher labels, not functions, keywords, label lists or variables', () => {
    expect(
      metricRefs(
        'histogram_quantile(0.99, sum by (le, venue) (rate(hft_order_to_ack_seconds_bucket{venue=~"N.*"}[$__rate_interval])))',
      ),
    ).toEqual([{ name: 'hft_order_to_ack_seconds_bucket', labels: ['venue'] }]);
    expect(
      metricRefs('sum(hft_orders_total{status="filled"}) / sum(hft_orders_total{status="sent"})'),
    ).toEqual([
      { name: 'hft_orders_total', labels: ['status'] },
      { name: 'hft_orders_total', labels: ['status'] },
    ]);
    expect(metricRefs('max by (breaker, venue) (hft_circuit_breaker_open) > 0.5')).toEqual([
      { name: 'hft_circuit_breaker_open', labels: [] },
    ]);
  });
});
