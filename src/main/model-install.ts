/**
 * Where `hft train` writes and when it may replace a served model. Training writes into
 * runs/<utc-stamp>/<model>/ unless told otherwise; models/ is what the daemon serves, so a model
 * lands there only with --install, and only when it beats its baseline on held-out data: a smoke
 * run must never silently replace a good model with a worse one.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { defaultLatencyModelDir } from '../ml/latency/latency-model-files.js';
import { modelsDir, packageRoot } from '../ml/models-dir.js';
import { findPolicyDir } from '../ml/rl/policy-store.js';
import { utcStamp } from './run-preflight.js';

/** The files a model directory holds; eval.json is optional. */
// parity.json too: a parity file left from the previous model would hold the new one to the wrong outputs.
const MODEL_FILES = ['model.onnx', 'metadata.json', 'parity.json', 'eval.json'];

/** runs/<utc-stamp>/<model>: a training run's own folder, never one the daemon serves. */
export function defaultTrainDir(model: string, now = new Date()): string {
  return resolve('runs', utcStamp(now), model);
}

/** The folders the daemon and the backtests serve models from: the package's models/ and $HFT_MODELS_DIR. */
export function servedRoots(): string[] {
  return [...new Set([modelsDir(), join(packageRoot(), 'models')])];
}

/** True when `dir` is `root` or inside it. */
export function isInside(dir: string, root: string): boolean {
  const rel = relative(resolve(root), resolve(dir));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Refuses an --out inside a served folder: the daemon would serve it as it is written, unchecked. */
export function checkTrainOut(out: string, roots = servedRoots()): void {
  const root = roots.find((r) => isInside(out, r));
  if (root !== undefined) {
    throw new UsageError(
      `--out ${out} is inside ${root}, which the daemon serves; train elsewhere (default runs/<stamp>/) and add --install to replace the served model once it beats its baseline`,
    );
  }
}

/** A held-out verdict: does the new model beat its baseline, and by how much, in words. */
export interface InstallVerdict {
  beats: boolean;
  /** e.g. "12.3% lower mean pinball than the ewma baseline" or "78.0% worse ...". */
  summary: string;
}

/** Latency model: mean pinball against the best baseline (improvement = 1 - model / baseline). */
export function latencyVerdict(improvement: number, baseline: string): InstallVerdict {
  const pct = Math.abs(improvement * 100).toFixed(1);
  const beats = improvement > 0;
  const word = beats ? 'lower (better)' : 'higher (worse)';
  return { beats, summary: `mean pinball ${pct}% ${word} than the ${baseline} baseline` };
}

/** Routing policy: the paired held-out gain over the best fixed router, bps per share. */
export function routingVerdict(
  gain: { mean: number; lo: number; hi: number } | undefined,
  bestFixed: string,
): InstallVerdict {
  if (gain === undefined || !Number.isFinite(gain.mean)) {
    return { beats: false, summary: 'not scored on held-out episodes (--eval-episodes 0)' };
  }
  const beats = gain.mean > 0;
  const ci = Number.isFinite(gain.lo) ? ` (95% CI ${gain.lo.toFixed(3)} to ${gain.hi.toFixed(3)})` : '';
  const word = beats ? 'better' : 'worse';
  return {
    beats,
    summary: `${Math.abs(gain.mean).toFixed(3)} bps/share ${word} than ${bestFixed}${ci}`,
  };
}

/** Where an installed model goes: the latency model's folder, or the policy folder for these venues. */
export function installTarget(
  model: string,
  venues: readonly string[],
  mode: string,
  root = modelsDir(),
): string {
  if (model === 'latency') return defaultLatencyModelDir();
  const existing = findPolicyDir(model, venues, root);
  if (existing !== null) return existing;
  const plain = join(root, model);
  return existsSync(plain) ? join(root, `${model}-${mode}`) : plain;
}

/**
 * Copies the trained model into `target`, each file through a temporary name and a rename, so
 * a daemon starting meanwhile reads the old file or the new one, never half of one. Refused
 * (exit 2) when the model does not beat its baseline.
 */
export function installModel(fromDir: string, target: string, verdict: InstallVerdict): void {
  if (!verdict.beats) {
    throw new UsageError(
      `--install refused: the new model is ${verdict.summary}; ${target} is unchanged, the new model stays in ${fromDir}`,
    );
  }
  mkdirSync(target, { recursive: true });
  for (const f of MODEL_FILES) {
    const from = join(fromDir, f);
    if (!existsSync(from)) {
      rmSync(join(target, f), { force: true }); // no stale eval.json beside a new model
      continue;
    }
    const tmp = join(target, `.${f}.installing`);
    copyFileSync(from, tmp);
    renameSync(tmp, join(target, f));
  }
}
