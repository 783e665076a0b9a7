/**
 * A trained routing policy served by onnxruntime-node: the exported network (DQN: Q per venue;
 * PPO: logits over the split menu) plus its metadata. `scores` runs a batch of observations;
 * `decide` turns one row into the split the policy would send (greedy, quoting venues only).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { chooseSplit, chooseVenue, type PolicyKind } from './action-choice.js';
import type { EnvPolicy } from './episode.js';
import type { PolicyMetadata } from './policy-metadata.js';
import { splitMenu, venueWeights } from './split-actions.js';

export class OnnxPolicy {
  readonly kind: PolicyKind;
  readonly obsSize: number;
  readonly venueCount: number;
  readonly menu: Float64Array[];
  private readonly probs: Float64Array;

  private constructor(
    readonly session: ort.InferenceSession,
    readonly metadata: PolicyMetadata,
  ) {
    this.kind = metadata.policy;
    this.obsSize = metadata.features.length;
    this.venueCount = metadata.venues.length;
    this.menu = splitMenu(this.venueCount);
    this.probs = new Float64Array(this.menu.length);
  }

  /** Loads `dir/model.onnx` and `dir/metadata.json`. */
  static async load(dir: string): Promise<OnnxPolicy> {
    const metadata = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as PolicyMetadata;
    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
    return new OnnxPolicy(session, metadata);
  }

  static async fromBytes(bytes: Uint8Array, metadata: PolicyMetadata): Promise<OnnxPolicy> {
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    return new OnnxPolicy(session, metadata);
  }

  /** Network outputs for `batch` rows of observations, row-major. */
  async scores(obs: Float32Array, batch: number): Promise<Float32Array> {
    const input = new ort.Tensor('float32', obs, [batch, this.obsSize]);
    const out = await this.session.run({ [this.session.inputNames[0]]: input });
    return out[this.session.outputNames[0]].data as Float32Array;
  }

  /** Writes the split for row `row` of `scores` into `weights`; returns the action index. */
  decide(scores: Float32Array, row: number, quotes: (v: number) => boolean, weights: Float64Array): number {
    if (this.kind === 'dqn') {
      const v = chooseVenue(scores, row * this.venueCount, this.venueCount, quotes);
      venueWeights(v, weights);
      return v;
    }
    const a = chooseSplit(scores, row * this.menu.length, this.menu, quotes, this.probs);
    weights.set(this.menu[a]);
    return a;
  }

  /** This policy acting in the routing environment, one onnxruntime call per order. */
  envPolicy(): EnvPolicy {
    return {
      act: async (obs, env, weights) => {
        const s = await this.scores(obs, 1);
        return this.decide(s, 0, (v) => env.quotes(v), weights);
      },
    };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
