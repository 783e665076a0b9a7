/** piscina worker: runs a batch of training episodes with the policy weights it is sent. */
import { type RolloutResult, type RolloutTask, runRollout } from '../ml/rl/rollout.js';

export default function rollout(task: RolloutTask): Promise<RolloutResult> {
  return runRollout(task);
}
