import type { Clock } from '../core/clock.js';
import type { Registry } from '../core/registry.js';
import { QuoteTable } from '../market/quote-table.js';
import { ForecastTable } from '../ml/forecast-table.js';
import type { OnnxPolicy } from '../ml/rl/onnx-policy.js';
import { LivePolicyInputs } from '../routing/live-policy-inputs.js';
import { PolicyTableBuilder } from '../routing/policy-table-builder.js';
import { RoutingTable } from '../routing/routing-table.js';
import type { ControlBlock } from '../run-state/control-block.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import { SpscRing } from '../shm/spsc-ring.js';
import type { PipelineHandles } from './pipeline-handles.js';
import { type HostTime, lowerDueNs, NOW_NS, type StageNode } from './stage-node.js';

/** How often the policy's host re-decides the routing table once orders asked for it. */
export const POLICY_REFRESH_NS = 250e3;
/** Re-decide at least this often with no input changed (quote ages and our order rate move with time). */
export const POLICY_MAX_UNCHANGED_NS = 10e6;

/**
 * Keeps the trained policy's routing table fresh, beside the order path (on the predict host):
 * polls every `intervalNs` once orders ask for decisions; each poll re-decides the wanted rows
 * when tops, forecasts or our order flow changed (PolicyTableBuilder).
 */
export class PolicyTableNode implements StageNode {
  readonly name = 'policy-table';
  private readonly nextPollNs = new Float64Array(1);

  constructor(
    private readonly builder: PolicyTableBuilder,
    private readonly intervalNs: number,
  ) {}

  poll(time: HostTime): number {
    const nowNs = time[NOW_NS];
    if (nowNs < this.nextPollNs[0]) return 0;
    this.nextPollNs[0] = nowNs + this.intervalNs;
    this.builder.refresh(nowNs);
    // Deciding is not input handled: the host may idle until the next poll is due.
    return 0;
  }

  hasWork(): boolean {
    return false;
  }

  lowerDue(time: HostTime): void {
    // Before any order asked for a decision the host's own idle bound paces the polls.
    if (this.builder.active && this.builder.failed === null) lowerDueNs(time, this.nextPollNs[0]);
  }

  close(): void {}
}

/** The policy-table node of a run whose router is a trained policy (`h.routes` set). */
export function createPolicyTableNode(
  h: PipelineHandles,
  registry: Registry,
  metrics: PipelineMetrics,
  control: ControlBlock,
  clock: Clock,
  policy: OnnxPolicy,
  onFailure: (err: Error) => void,
): PolicyTableNode {
  if (h.routes === null) throw new Error('policy table: the run has no routing table');
  const table = new RoutingTable(h.routes);
  const quotes = new QuoteTable(h.quotes, registry.venueCount);
  const inputs = new LivePolicyInputs(quotes, new ForecastTable(h.forecasts), metrics, table, control);
  // The inputs are logged only when the run records (main drains the log beside record.hftrec).
  const log = h.recordTicks !== null ? new SpscRing(h.routes.log) : null;
  const builder = new PolicyTableBuilder(
    policy,
    inputs,
    table,
    Float64Array.from(h.settings.venues, (v) => v.fee_bps),
    clock,
    metrics,
    { maxUnchangedNs: POLICY_MAX_UNCHANGED_NS, onFailure, log },
  );
  return new PolicyTableNode(builder, POLICY_REFRESH_NS);
}
