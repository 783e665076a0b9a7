/**
 * When the recording has the live policy's input log (record.hftpol) and the backtest serves
 * that same policy, the backtest's policy-table node is swapped for the replay's
 * (replay-policy-node.ts): each order gets the decision the live order got.
 */
import { basename } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { OnnxPolicy } from '../ml/rl/onnx-policy.js';
import type { PipelineHandles } from '../pipeline/pipeline-handles.js';
import type { StageNode } from '../pipeline/stage-node.js';
import { loadPolicyLog, policyLogPathFor } from '../routing/policy-input-log.js';
import { RoutingTable } from '../routing/routing-table.js';
import { ControlBlock } from '../run-state/control-block.js';
import type { PipelineMetrics } from '../run-state/pipeline-metrics.js';
import type { BacktestData } from './backtest-data.js';
import { type PolicyReplay, replayPolicy } from './policy-replay.js';
import { ReplayPolicyNode } from './replay-policy-node.js';

/** Replays the live policy into `nodes` and returns the replay, or null when there is nothing to replay. */
export function replayLivePolicy(
  data: BacktestData,
  handles: PipelineHandles,
  nodes: StageNode[],
  policy: OnnxPolicy,
  clock: Clock,
  metrics: PipelineMetrics,
): PolicyReplay | null {
  const log = loadPolicyLog(policyLogPathFor(data.origin));
  if (log === null || handles.routes === null) return null;
  const sameVenues = log.header.registry.venues.join() === data.registry.venues.join();
  const samePolicy =
    log.header.router === policy.kind && basename(log.header.policy) === basename(policy.source);
  if (!sameVenues || !samePolicy) return null;
  const at = nodes.findIndex((n) => n.name === 'policy-table');
  if (at < 0) return null;
  const fees = Float64Array.from(handles.settings.venues, (v) => v.fee_bps);
  const replay = replayPolicy(log, policy, fees, clock, metrics);
  nodes[at] = new ReplayPolicyNode(
    replay,
    new RoutingTable(handles.routes),
    new ControlBlock(handles.control),
  );
  return replay;
}
