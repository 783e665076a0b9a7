/** A toy routing policy for tests: one linear layer over the routing features, exported to ONNX. */
import { exportMlpToOnnx } from '../../src/ml/onnx/mlp-onnx-exporter.js';
import { OnnxPolicy } from '../../src/ml/rl/onnx-policy.js';
import type { PolicyMetadata } from '../../src/ml/rl/policy-metadata.js';
import { featureCount, featureNames, VENUE_FEATURES } from '../../src/ml/rl/routing-features.js';

export const VENUES = ['A', 'B', 'C'];
const N = featureCount(3);
const COST = VENUE_FEATURES.indexOf('cost_bps');

/** A one-layer "policy": DQN Q_v = -cost_bps of venue v + bias_v, PPO logits = bias. */
export function toyPolicy(kind: 'dqn' | 'ppo', bias: number[] = []): OnnxPolicy {
  const outputs = kind === 'dqn' ? 3 : 7;
  const weights = new Float32Array(N * outputs);
  if (kind === 'dqn')
    for (let v = 0; v < 3; v++) weights[(v * VENUE_FEATURES.length + COST) * outputs + v] = -1;
  const layer = {
    inputs: N,
    outputs,
    weights,
    bias: Float32Array.from({ length: outputs }, (_, i) => bias[i] ?? 0),
    activation: 'linear' as const,
  };
  const meta = { policy: kind, features: featureNames(VENUES), venues: VENUES } as PolicyMetadata;
  return OnnxPolicy.fromBytes(exportMlpToOnnx([layer], { inputName: 'obs' }), meta);
}
