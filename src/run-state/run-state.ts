/** Main-thread view of the live run's risk state, for metrics, /health and progress lines. */

import type { HftConfig } from '../config/config-types.js';
import type { Registry } from '../core/registry.js';
import type { ControlBlock } from './control-block.js';
import type { PipelineMetrics } from './pipeline-metrics.js';

export interface RiskLimitsView {
  halted(): boolean;
  /** [limit name, used fraction 0..1] pairs. */
  utilization(): [string, number][];
}

export class RunState implements RiskLimitsView {
  constructor(
    private readonly registry: Registry,
    private readonly cfg: HftConfig,
    private readonly metrics: PipelineMetrics,
    private readonly control: ControlBlock,
  ) {}

  halted(): boolean {
    return this.control.halted;
  }

  utilization(): [string, number][] {
    let maxPos = 0;
    for (let s = 0; s < this.registry.symbolCount; s++) {
      maxPos = Math.max(maxPos, Math.abs(this.metrics.counters.byName(`symbol_${s}_position`)));
    }
    return [
      ['max_position_size', maxPos / this.cfg.trading.max_position_size],
      [
        'max_portfolio_value',
        this.metrics.counters.byName('gross_notional') / this.cfg.trading.max_portfolio_value,
      ],
    ];
  }
}
