/** DQN's experience replay: a fixed-capacity ring of transitions in flat typed arrays. */
import type { Random } from '../../core/random.js';
import type { EpisodeTrace } from './episode.js';

export interface ReplayBatch {
  obs: Float32Array;
  nextObs: Float32Array;
  actions: Int32Array;
  rewards: Float32Array;
  /** Per transition and venue, the counterfactual reward (NaN: the venue did not quote). */
  actionRewards: Float32Array;
  dones: Float32Array;
}

export class ReplayBuffer {
  private readonly obs: Float32Array;
  private readonly nextObs: Float32Array;
  private readonly actions: Int32Array;
  private readonly rewards: Float32Array;
  private readonly actionRewards: Float32Array;
  private readonly dones: Float32Array;
  private head = 0;
  size = 0;

  constructor(
    readonly capacity: number,
    readonly obsSize: number,
    readonly venues: number,
  ) {
    this.obs = new Float32Array(capacity * obsSize);
    this.nextObs = new Float32Array(capacity * obsSize);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.actionRewards = new Float32Array(capacity * venues);
    this.dones = new Float32Array(capacity);
  }

  addTrace(t: EpisodeTrace): void {
    const n = this.obsSize;
    const m = this.venues;
    for (let i = 0; i < t.steps; i++) {
      const k = this.head;
      this.obs.set(t.obs.subarray(i * n, (i + 1) * n), k * n);
      this.nextObs.set(t.nextObs.subarray(i * n, (i + 1) * n), k * n);
      this.actions[k] = t.actions[i];
      this.rewards[k] = t.rewards[i];
      this.actionRewards.set(t.actionRewards.subarray(i * m, (i + 1) * m), k * m);
      this.dones[k] = i === t.steps - 1 ? 1 : 0;
      this.head = (k + 1) % this.capacity;
      if (this.size < this.capacity) this.size++;
    }
  }

  /** A uniform sample (with replacement) of `batch` transitions. */
  sample(batch: number, rng: Random): ReplayBatch {
    const n = this.obsSize;
    const m = this.venues;
    const out: ReplayBatch = {
      obs: new Float32Array(batch * n),
      nextObs: new Float32Array(batch * n),
      actions: new Int32Array(batch),
      rewards: new Float32Array(batch),
      actionRewards: new Float32Array(batch * m),
      dones: new Float32Array(batch),
    };
    for (let b = 0; b < batch; b++) {
      const k = rng.int(this.size);
      out.obs.set(this.obs.subarray(k * n, (k + 1) * n), b * n);
      out.nextObs.set(this.nextObs.subarray(k * n, (k + 1) * n), b * n);
      out.actions[b] = this.actions[k];
      out.rewards[b] = this.rewards[k];
      out.actionRewards.set(this.actionRewards.subarray(k * m, (k + 1) * m), b * m);
      out.dones[b] = this.dones[k];
    }
    return out;
  }
}
