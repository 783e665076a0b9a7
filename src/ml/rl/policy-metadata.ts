/** models/<policy>/metadata.json: what a shipped policy is and how it was made. */
import type { PolicyKind } from './action-choice.js';

export interface PolicyMetadata {
  policy: PolicyKind;
  /** Observation features, in input order (src/ml/rl/routing-features.ts). */
  features: string[];
  venues: string[];
  /** What each output is: a venue (DQN) or a split of the order across the venues (PPO). */
  actions: { index: number; weights: number[] }[];
  seed: number;
  episodes: number;
  /** Training episode seeds: seed x 1e6 + 1 .. + episodes; held-out evaluation uses >= 3e9. */
  training_seeds: string;
  env: Record<string, unknown>;
  hyperparameters: Record<string, unknown>;
  metrics: Record<string, unknown>;
  command: string;
  onnx: { opset: number; input: string; output: string; parity_max_abs_diff: number };
}
