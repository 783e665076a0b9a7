/** The daemon's Prometheus registry over a stage fixture's shared metrics, with no pipeline running. */
import pino from 'pino';
import type { Registry as PromRegistry } from 'prom-client';
import { BreakerWatch } from '../../src/monitoring/breaker-watch.js';
import { createMetricsRegistry } from '../../src/monitoring/metrics.js';
import { ControlBlock, createControlBlock } from '../../src/run-state/control-block.js';
import type { RiskLimitsView } from '../../src/run-state/run-state.js';
import { type StageFixture, stageFixture } from '../fixtures.js';

export interface MetricsFixture extends StageFixture {
  control: ControlBlock;
  breakers: BreakerWatch;
  risk: RiskLimitsView;
  prom: PromRegistry;
}

export function metricsFixture(symbols = ['AAPL', 'MSFT'], venues = ['A', 'B', 'C']): MetricsFixture {
  const f = stageFixture(symbols, venues);
  const control = new ControlBlock(createControlBlock(1));
  const breakers = new BreakerWatch(control, f.registry, f.metrics, pino({ enabled: false }));
  const risk: RiskLimitsView = {
    halted: () => control.halted,
    utilization: () => [
      ['max_position_size', 0.25],
      ['max_portfolio_value', 0.5],
    ],
  };
  const prom = createMetricsRegistry(f.registry, f.metrics, risk, breakers);
  return { ...f, control, breakers, risk, prom };
}
