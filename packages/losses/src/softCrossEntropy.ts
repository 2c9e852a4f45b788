import * as tf from '@tensorflow/tfjs-core';
import { maskedMean } from './internal/rowSum.js';
import { expectSameShape, expectShape } from './internal/shapes.js';
import type { Labels } from './labels.js';
import { type Normalization, normalizer, sampledMask } from './normalization.js';
import { stopGradient } from './stopGradient.js';

export interface SoftCrossEntropyOptions {
  /** Softmax temperature T > 0 for both student and teacher. Default 1 (best for detection in the paper). */
  readonly temperature?: number;
  /**
   * `w_c` per class column, length C (column 0 = background). Default: all 1 (plain soft CE,
   * the paper's "CLS" ablation). Use `classColumnWeights(C)` for the paper's 1.5 / 1.0 ("CLS-W").
   */
  readonly classWeights?: readonly number[];
  /** Multiply by T² (Hinton et al.) so gradient magnitudes do not shrink with T. Default false. */
  readonly scaleByTemperatureSquared?: boolean;
  /** `[K]` labels: rows labelled −1 are left out. Without labels every row counts. */
  readonly labels?: Labels;
  /** Default `'sampled'`: divide by the number of rows that count (N or M). */
  readonly normalization?: Normalization;
}

/**
 * Class-weighted soft cross-entropy of the paper:
 * `L_soft = (1/norm) Σ_k − Σ_c w_c · P_t(c) · log P_s(c)`, `P = softmax(Z / T)`.
 *
 * The teacher side is detached (no gradient into `teacherLogits`); the student side uses
 * `logSoftmax`, so logits of ±1e4 give finite values and gradients.
 * @param studentLogits `[K, C]` student logits (column 0 = background). Differentiable.
 * @param teacherLogits `[K, C]` teacher logits for the **same** rows (same anchors / RoIs).
 * @returns scalar; the caller disposes it.
 * @example
 * const soft = softCrossEntropy(s, t, { classWeights: classColumnWeights(21), labels });
 */
export function softCrossEntropy(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  options: SoftCrossEntropyOptions = {},
): tf.Scalar {
  expectShape('softCrossEntropy studentLogits', studentLogits, [null, null], '[K, C] logits');
  expectSameShape('softCrossEntropy studentLogits', studentLogits, 'teacherLogits', teacherLogits);
  const [k, c] = studentLogits.shape;
  const t = options.temperature ?? 1;
  if (!(t > 0) || !Number.isFinite(t)) {
    throw new Error(`softCrossEntropy: temperature must be > 0, got ${t}`);
  }
  const weights = options.classWeights;
  if (weights !== undefined && weights.length !== c) {
    throw new Error(
      `softCrossEntropy: classWeights has ${weights.length} entries, logits have ${c} class columns`,
    );
  }
  const labels = options.labels;
  if (labels !== undefined) expectShape('softCrossEntropy labels', labels, [k], '[K] labels');
  const normalization = options.normalization ?? 'sampled';
  if (labels === undefined && normalization === 'positives') {
    throw new Error("softCrossEntropy: normalization 'positives' needs labels");
  }
  return tf.tidy(() => {
    const pt = tf.softmax(tf.div(stopGradient(teacherLogits), t));
    const logPs = tf.logSoftmax(tf.div(studentLogits, t));
    const weighted = weights === undefined ? pt : tf.mul(pt, tf.tensor1d([...weights]));
    let perRow = tf.neg(tf.sum(tf.mul(weighted, logPs), 1)) as tf.Tensor1D;
    if (options.scaleByTemperatureSquared === true) perRow = tf.mul(perRow, t * t);
    if (labels === undefined) {
      const divisor =
        typeof normalization === 'object'
          ? normalization.divideBy
          : normalization === 'sum'
            ? 1
            : Math.max(k, 1);
      return tf.div(tf.sum(perRow), divisor) as tf.Scalar;
    }
    return maskedMean(perRow, sampledMask(labels), normalizer(labels, normalization));
  });
}
