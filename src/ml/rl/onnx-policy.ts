/**
 * A trained routing policy served by onnxruntime-node: the exported network (DQN: Q per venue;
 * PPO: logits over the split menu) plus its metadata. `scores` runs a batch of observations,
 * synchronously (sync-onnx-session.ts); `decide` turns one row into the split the policy would
 * send (greedy, quoting venues only).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { SyncOnnxSession } from '../sync-onnx-session.js';
import { chooseSplit, chooseVenue, type PolicyKind } from './action-choice.js';
import type { EnvPolicy } from './episode.js';
import type { PolicyMetadata } from './policy-metadata.js';
import { splitMenu, venueWeights } from './split-actions.js';

/** A policy model onnxruntime cannot load or run: a usage error (exit 2), not a crash. */
export class PolicyModelError extends Error {
  override readonly name = 'PolicyModelError';
  readonly exitCode = 2;
}

export class OnnxPolicy {
  readonly kind: PolicyKind;
  readonly obsSize: number;
  readonly venueCount: number;
  readonly menu: Float64Array[];
  /** Network outputs per observation: Q per venue (DQN) or a logit per split (PPO). */
  readonly outputWidth: number;
  private readonly probs: Float64Array;

  private constructor(
    private readonly session: SyncOnnxSession,
    readonly metadata: PolicyMetadata,
    /** Where it was loaded from: its directory, or `model bytes`. */
    readonly source: string,
  ) {
    this.kind = metadata.policy;
    this.obsSize = metadata.features.length;
    this.venueCount = metadata.venues.length;
    this.menu = splitMenu(this.venueCount);
    this.probs = new Float64Array(this.menu.length);
    this.outputWidth = this.kind === 'dqn' ? this.venueCount : this.menu.length;
  }

  /** Loads `dir/model.onnx` and `dir/metadata.json`, and checks one row runs. */
  static load(dir: string): OnnxPolicy {
    const metadata = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as PolicyMetadata;
    return OnnxPolicy.checked(() => SyncOnnxSession.load(join(dir, 'model.onnx')), metadata, dir);
  }

  static fromBytes(bytes: Uint8Array, metadata: PolicyMetadata): OnnxPolicy {
    return OnnxPolicy.checked(() => SyncOnnxSession.load(bytes), metadata, 'model bytes');
  }

  /**
   * The policy once one row of zeros has run into an output of the width its metadata promises,
   * so a model that does not fit fails here, with its name, and not on the first order.
   */
  private static checked(load: () => SyncOnnxSession, metadata: PolicyMetadata, label: string): OnnxPolicy {
    let session: SyncOnnxSession | null = null;
    try {
      session = load();
      const policy = new OnnxPolicy(session, metadata, label);
      const t = policy.tensorsFor(new Float32Array(policy.obsSize), 1);
      policy.scoresInto(t.input, t.output);
      return policy;
    } catch (err) {
      session?.dispose();
      throw new PolicyModelError(`policy ${label}: onnxruntime cannot run it: ${(err as Error).message}`);
    }
  }

  /** Network outputs for `batch` rows of observations, row-major. */
  scores(obs: Float32Array, batch: number): Float32Array {
    return this.session.run(new ort.Tensor('float32', obs, [batch, this.obsSize]));
  }

  /** Tensors for `batch` rows over `obs`, and for their outputs, to reuse with `scoresInto`. */
  tensorsFor(obs: Float32Array, batch: number): { input: ort.Tensor; output: ort.Tensor } {
    return {
      input: new ort.Tensor('float32', obs.subarray(0, batch * this.obsSize), [batch, this.obsSize]),
      output: new ort.Tensor('float32', new Float32Array(batch * this.outputWidth), [
        batch,
        this.outputWidth,
      ]),
    };
  }

  /** Outputs for the rows of `input` written into `output` (from `tensorsFor`), no new tensor data. */
  scoresInto(input: ort.Tensor, output: ort.Tensor): Float32Array {
    return this.session.runInto(input, output);
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
      act: (obs, env, weights) => this.decide(this.scores(obs, 1), 0, (v) => env.quotes(v), weights),
    };
  }

  release(): void {
    this.session.dispose();
  }
}
