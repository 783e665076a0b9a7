import { describe, expect, it } from 'vitest';
import { metricsFixture } from './metrics-fixture.js';

/** `name{labels} value` lines of one metric in a Prometheus text exposition. */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

describe('daemon metrics registry', () => {
  it("exports the forecast error per venue in seconds, read from predict's shared counters", async () => {
    const f = metricsFixture();
    f.metrics.counters.set(f.metrics.slot('venue_1_forecast_error_ns'), 125_000);
    const text = await f.prom.metrics();
    expect(text).toContain('# TYPE hft_latency_forecast_error_seconds gauge');
    expect(samples(text, 'hft_latency_forecast_error_seconds')).toEqual([
      'hft_latency_forecast_error_seconds{venue="A"} 0',
      'hft_latency_forecast_error_seconds{venue="B"} 0.000125',
      'hft_latency_forecast_error_seconds{venue="C"} 0',
    ]);
  });

  it('exports every docs/contract.md metric with labels bounded by the registry', async () => {
    const f = metricsFixture();
    const text = await f.prom.metrics();
    const contract = [
      ['hft_ticks_total', 'counter'],
      ['hft_ticks_dropped_total', 'counter'],
      ['hft_tick_to_order_seconds', 'histogram'],
      ['hft_order_to_ack_seconds', 'histogram'],
      ['hft_stage_seconds', 'histogram'],
      ['hft_orders_total', 'counter'],
      ['hft_fill_ratio', 'gauge'],
      ['hft_pnl', 'gauge'],
      ['hft_position', 'gauge'],
      ['hft_risk_utilization_ratio', 'gauge'],
      ['hft_circuit_breaker_open', 'gauge'],
      ['hft_latency_forecast_error_seconds', 'gauge'],
      ['hft_inference_seconds', 'histogram'],
    ];
    for (const [name, type] of contract) expect(text, name).toContain(`# TYPE ${name} ${type}`);
    expect(text).toContain('process_cpu_seconds_total');
    // Per-venue series: one per venue (and status), never per order or per tick.
    expect(samples(text, 'hft_ticks_total')).toHaveLength(3);
    expect(samples(text, 'hft_orders_total')).toHaveLength(3 * 6);
    expect(samples(text, 'hft_position')).toHaveLength(2);
  });

  it('renders a shared histogram as cumulative microsecond buckets with matching _count and _sum', async () => {
    const f = metricsFixture();
    for (const us of [8, 12, 40, 40, 900, 2_000_000]) f.metrics.hist.tick_to_order.observe(us * 1e3);
    const text = await f.prom.metrics();
    const bucket = (le: string) =>
      Number(
        samples(text, 'hft_tick_to_order_seconds_bucket')
          .find((l) => l.includes(`le="${le}"`))
          ?.split(' ')[1],
      );
    expect(bucket('0.0000075')).toBe(0);
    expect(bucket('0.00001')).toBe(1);
    expect(bucket('0.000015')).toBe(2);
    expect(bucket('0.00005')).toBe(4);
    expect(bucket('0.001')).toBe(5);
    expect(bucket('2.5')).toBe(6);
    expect(bucket('+Inf')).toBe(6);
    expect(samples(text, 'hft_tick_to_order_seconds_count')).toEqual(['hft_tick_to_order_seconds_count 6']);
    const sum = Number(samples(text, 'hft_tick_to_order_seconds_sum')[0].split(' ')[1]);
    expect(sum).toBeCloseTo(2.001, 6);
  });
});
