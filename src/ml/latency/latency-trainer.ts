/**
 * Trains the latency quantile MLP in tfjs (wasm backend): inputs are the LATENCY_FEATURES of a
 * row, outputs the p50, p90, p99 of the next sample's log latency relative to the reference,
 * fitted with the pinball (quantile) loss summed over the three quantiles. Mini-batches are
 * shuffled within the training rows only (the train/test split happened before, by time).
 *
 * The default loss, `level`, is the evaluation's own: pinball on latency itself (the outputs'
 * ratio to the reference, each row weighted by its reference level), so slow venues and
 * congested spells, where most microseconds of loss are, weigh as they do in eval.json. The
 * `log` loss (pinball on log latency) weighs every row alike and learned p99 worst of all
 * (docs/latency-model.md).
 */
import { Random } from '../../core/random.js';
import type { DenseLayerWeights } from '../onnx/mlp-onnx-exporter.js';
import { loadTf, type Tf } from '../training/tf-runtime.js';
import { buildMlp, type MlpSpec, mlpLayers } from '../training/tfjs-mlp.js';
import { type LatencyRows, QUANTILES, relativeTargets } from './latency-dataset.js';
import { FEATURE_COUNT } from './latency-features.js';
import { MODEL_OUTPUTS } from './latency-quantiles.js';

export interface LatencyTrainOptions {
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly hidden: readonly number[];
  readonly learningRate: number;
  /** Learning rate of the last epoch, as a fraction of the first (geometric decay between). */
  readonly finalLrFraction: number;
  /** Default DEFAULT_LOSS. */
  readonly loss?: LatencyLoss;
  readonly onProgress?: (p: TrainProgress) => void;
}

export const LATENCY_LOSSES = ['level', 'log'] as const;
export type LatencyLoss = (typeof LATENCY_LOSSES)[number];
export const DEFAULT_LOSS: LatencyLoss = 'level';

export interface TrainProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly stepsPerEpoch: number;
  /** Mean training loss (summed over quantiles) over the epoch so far. */
  readonly loss: number;
}

export interface TrainedLatencyModel {
  readonly layers: DenseLayerWeights[];
  readonly spec: MlpSpec;
  /** Mean training loss per epoch. */
  readonly lossHistory: number[];
  readonly steps: number;
  readonly backend: string;
  readonly backendFallback: string | null;
}

export const DEFAULT_TRAIN_OPTIONS: Omit<LatencyTrainOptions, 'seed'> = {
  epochs: 30,
  batchSize: 512,
  hidden: [32, 32],
  learningRate: 3e-3,
  finalLrFraction: 0.1,
};

/** Steps between progress reports (reading the loss back syncs with the backend). */
const PROGRESS_EVERY = 20;

export async function trainLatencyModel(
  rows: LatencyRows,
  o: LatencyTrainOptions,
): Promise<TrainedLatencyModel> {
  if (rows.count < o.batchSize)
    throw new Error(`latency training: ${rows.count} rows, fewer than one batch of ${o.batchSize}`);
  const rt = await loadTf();
  const { tf } = rt;
  const spec: MlpSpec = {
    inputs: FEATURE_COUNT,
    hidden: o.hidden,
    hiddenActivation: 'relu',
    outputs: MODEL_OUTPUTS,
  };
  const model = buildMlp(tf, spec, o.seed);
  const x = tf.tensor2d(rows.features, [rows.count, FEATURE_COUNT]);
  const y = tf.tensor2d(relativeTargets(rows), [rows.count, 1]);
  const w = tf.tensor2d(levelWeights(rows), [rows.count, 1]);
  const level = (o.loss ?? DEFAULT_LOSS) === 'level';
  const q = tf.tensor2d(Float32Array.from(QUANTILES), [1, MODEL_OUTPUTS]);
  const optimizer = tf.train.adam(o.learningRate);
  const rng = new Random(o.seed ^ 0x7a1e);
  const stepsPerEpoch = Math.floor(rows.count / o.batchSize);
  const decay = o.epochs > 1 ? o.finalLrFraction ** (1 / (o.epochs - 1)) : 1;
  const lossHistory: number[] = [];
  const order = Int32Array.from({ length: rows.count }, (_, i) => i);
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      // tfjs has no LR schedule API; AdamOptimizer reads this field at every step.
      (optimizer as unknown as { learningRate: number }).learningRate = o.learningRate * decay ** epoch;
      shuffle(order, rng);
      let sum = 0;
      let seen = 0;
      for (let step = 0; step < stepsPerEpoch; step++) {
        const idx = tf.tensor1d(order.subarray(step * o.batchSize, (step + 1) * o.batchSize), 'int32');
        const loss = optimizer.minimize(() => {
          const pred = model.apply(tf.gather(x, idx)) as ReturnType<Tf['tensor2d']>;
          const target = tf.gather(y, idx);
          return level
            ? levelPinballLoss(tf, pred, target, tf.gather(w, idx), q)
            : pinballLoss(tf, pred, target, q);
        }, true);
        idx.dispose();
        if (loss && ((step + 1) % PROGRESS_EVERY === 0 || step === stepsPerEpoch - 1)) {
          sum += (await loss.data())[0];
          seen++;
          o.onProgress?.({
            epoch: epoch + 1,
            epochs: o.epochs,
            step: step + 1,
            stepsPerEpoch,
            loss: sum / seen,
          });
        }
        loss?.dispose();
      }
      lossHistory.push(sum / Math.max(seen, 1));
    }
    return {
      layers: mlpLayers(model),
      spec,
      lossHistory,
      steps: stepsPerEpoch * o.epochs,
      backend: rt.backend,
      backendFallback: rt.fallbackReason,
    };
  } finally {
    tf.dispose([x, y, w, q]);
    optimizer.dispose();
    model.dispose();
  }
}

/** Mean over rows of the pinball loss summed over the quantiles; `target` [B,1], `pred` [B,3]. */
function pinballLoss(
  tf: Tf,
  pred: ReturnType<Tf['tensor2d']>,
  target: ReturnType<Tf['tensor2d']>,
  q: ReturnType<Tf['tensor2d']>,
) {
  const diff = tf.sub(target, pred);
  const loss = tf.maximum(tf.mul(q, diff), tf.mul(tf.sub(q, 1), diff));
  return tf.mean(tf.sum(loss, 1)) as ReturnType<Tf['scalar']>;
}

/** Each row's reference level (ns) over the mean level: the `level` loss's row weights. */
function levelWeights(rows: LatencyRows): Float32Array {
  let sum = 0;
  for (let i = 0; i < rows.count; i++) sum += Math.exp(rows.refLog[i]);
  const mean = sum / Math.max(rows.count, 1);
  return Float32Array.from(rows.refLog.subarray(0, rows.count), (r) => Math.exp(r) / mean);
}

/** The `level` loss: pinball on latency / reference, weighted by the row's level; `target` log-relative. */
function levelPinballLoss(
  tf: Tf,
  pred: ReturnType<Tf['tensor2d']>,
  target: ReturnType<Tf['tensor2d']>,
  weight: ReturnType<Tf['tensor2d']>,
  q: ReturnType<Tf['tensor2d']>,
) {
  const diff = tf.sub(tf.exp(target), tf.exp(pred));
  const loss = tf.maximum(tf.mul(q, diff), tf.mul(tf.sub(q, 1), diff));
  return tf.mean(tf.mul(tf.sum(loss, 1, true), weight)) as ReturnType<Tf['scalar']>;
}

function shuffle(a: Int32Array, rng: Random): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
