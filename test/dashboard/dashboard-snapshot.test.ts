import { describe, expect, it } from 'vitest';
import { DashboardSnapshotter } from '../../src/dashboard/dashboard-snapshot.js';
import { createForecastTable, ForecastCol, ForecastTable } from '../../src/ml/forecast-table.js';
import { healthReport } from '../../src/monitoring/health-report.js';
import { stageFixture } from '../fixtures.js';

function setup() {
  const f = stageFixture(['AAPL'], ['A', 'B']);
  const forecasts = new ForecastTable(createForecastTable(2));
  let halted = false;
  const health = () =>
    healthReport({
      workers: [{ name: 'inline', alive: true, heartbeatAgeMs: 12.4, restarts: 0 }],
      halted,
      breakers: {
        trading_state: halted ? 'halted' : 'active',
        breakers: { kill_switch: halted },
        venues: { A: { latency_spike: true, outage: false }, B: { latency_spike: false, outage: false } },
      },
      uptimeS: f.clock.nowNs() / 1e9,
      heartbeatTimeoutMs: 2000,
    });
  const risk = {
    halted: () => halted,
    utilization: (): [string, number][] => [['max_position_size', 0.123456]],
  };
  const snapshotter = new DashboardSnapshotter(
    { registry: f.registry, metrics: f.metrics, forecasts, risk, health, nowNs: () => f.clock.nowNs() },
    5e9,
  );
  const add = (name: string, n: number) => f.metrics.counters.add(f.metrics.slot(name), n);
  return { ...f, forecasts, snapshotter, add, halt: () => (halted = true) };
}

describe('DashboardSnapshotter', () => {
  it('reports totals, P&L, risk, breakers and workers from the shared state', () => {
    const { snapshotter, add, clock } = setup();
    add('ticks_processed', 1000);
    add('orders_sent', 40);
    add('orders_filled', 30);
    add('pnl_realized', 12.345);
    add('pnl_unrealized', -2);
    add('pnl_fees', 1.5);
    clock.advance(2e9);
    const s = snapshotter.snapshot();
    expect(s.type).toBe('snapshot');
    expect(s.ticks).toEqual({ total: 1000, per_sec: 500, dropped: 0 });
    expect(s.orders).toMatchObject({ sent: 40, filled: 30, fill_rate: 0.75, per_sec: 20 });
    expect(s.pnl).toEqual({ realized: 12.35, unrealized: -2, fees: 1.5, total: 8.85 });
    expect(s.risk).toEqual([{ limit: 'max_position_size', ratio: 0.1235 }]);
    expect(s.breakers).toEqual({ kill_switch: false });
    expect(s.workers).toEqual([{ name: 'inline', alive: true, heartbeat_age_ms: 12 }]);
    expect(s.status).toBe('ok');
    expect(s.venues.map((v) => [v.name, v.latency_spike])).toEqual([
      ['A', true],
      ['B', false],
    ]);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s); // plain JSON, nothing lost on the wire
  });

  it('computes tick rate and tick-to-order percentiles over the trailing window only', () => {
    const { snapshotter, add, clock, metrics } = setup();
    // An old slow burst, then a fast steady period longer than the window.
    for (let i = 0; i < 100; i++) metrics.hist.tick_to_order.observe(900e3);
    add('ticks_processed', 10_000);
    clock.advance(1e9);
    snapshotter.snapshot();
    for (let s = 0; s < 12; s++) {
      clock.advance(0.5e9);
      add('ticks_processed', 1000); // 2000/s
      for (let i = 0; i < 10; i++) metrics.hist.tick_to_order.observe(20e3);
      snapshotter.snapshot();
    }
    const s = snapshotter.snapshot();
    expect(s.window_s).toBeGreaterThanOrEqual(5);
    expect(s.window_s).toBeLessThan(6);
    expect(s.ticks.per_sec).toBeCloseTo(2000, -1);
    expect(s.tick_to_order_us.p99).toBeLessThan(25); // the 900 us burst is out of the window
    expect(s.tick_to_order_us.count).toBeGreaterThanOrEqual(100);
  });

  it("puts each venue's forecast beside its measured order->ack p50 and its routing share", () => {
    const { snapshotter, add, clock, metrics, forecasts } = setup();
    const row = new Float64Array(6);
    row[ForecastCol.p50Ns] = 250e3;
    row[ForecastCol.p99Ns] = 800e3;
    forecasts.publish(0, row);
    for (let i = 0; i < 50; i++) metrics.venueAck[0].observe(300e3);
    add('venue_0_routed', 30);
    add('venue_1_routed', 10);
    add('venue_0_forecast_error_ns', 48_000);
    clock.advance(1e9);
    const [a, b] = snapshotter.snapshot().venues;
    expect(a).toMatchObject({ name: 'A', forecast_p50_us: 250, forecast_p99_us: 800, routed_share: 0.75 });
    expect(a.measured_p50_us).toBeGreaterThan(285);
    expect(a.measured_p50_us).toBeLessThan(315);
    expect(a.forecast_error_us).toBe(48);
    expect(b).toMatchObject({ forecast_p50_us: null, measured_p50_us: null, routed_share: 0.25 });
  });

  it('shows a halted run as degraded with the reason', () => {
    const { snapshotter, halt } = setup();
    halt();
    const s = snapshotter.snapshot();
    expect(s.status).toBe('degraded');
    expect(s.trading_state).toBe('halted');
    expect(s.problems).toEqual(['trading halted by kill_switch']);
  });
});
