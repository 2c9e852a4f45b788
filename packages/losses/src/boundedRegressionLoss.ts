import * as tf from '@tensorflow/tfjs-core';
import { nonDifferentiable } from './internal/nonDifferentiable.js';
import { maskedMean } from './internal/rowSum.js';
import { expectSameShape, expectShape } from './internal/shapes.js';
import type { Labels } from './labels.js';
import { type Normalization, normalizer } from './normalization.js';
import { stopGradient } from './stopGradient.js';

export interface BoundedRegressionOptions {
  /** Margin m ≥ 0: the bound stops once `‖R_s − y‖² + m ≤ ‖R_t − y‖²`. Default 0. */
  readonly margin?: number;
  /**
   * Default `'sampled'` (divide by N RoIs / M anchors, like smooth L1); `'positives'` divides by
   * the number of foreground rows: a much stronger loss (see the method notes' pilot).
   */
  readonly normalization?: Normalization;
}

/**
 * Teacher-bounded regression loss `L_b` of the paper, per box:
 * `L_b(k) = ‖R_s(k) − y(k)‖²` if `‖R_s(k) − y(k)‖² + m > ‖R_t(k) − y(k)‖²`, else 0,
 * summed over foreground rows only and divided by the normaliser.
 *
 * The squared norms sum over the 4 deltas of a box; the comparison is per box and is computed
 * off the gradient tape (it selects rows, it is not differentiated); the teacher is detached.
 * @param studentDeltas `[K, 4]` R_s. Differentiable.
 * @param teacherDeltas `[K, 4]` R_t for the same rows.
 * @param targets `[K, 4]` ground-truth deltas y (data).
 * @param labels `[K]` (−1 ignored, 0 background, ≥ 1 foreground).
 * @returns scalar; the caller disposes it. Zero when no row is foreground.
 */
export function boundedRegressionLoss(
  studentDeltas: tf.Tensor2D,
  teacherDeltas: tf.Tensor2D,
  targets: tf.Tensor2D,
  labels: Labels,
  options: BoundedRegressionOptions = {},
): tf.Scalar {
  expectShape('boundedRegressionLoss studentDeltas', studentDeltas, [null, 4], '[K, 4] deltas');
  expectSameShape(
    'boundedRegressionLoss studentDeltas',
    studentDeltas,
    'teacherDeltas',
    teacherDeltas,
  );
  expectSameShape('boundedRegressionLoss studentDeltas', studentDeltas, 'targets', targets);
  expectShape('boundedRegressionLoss labels', labels, [studentDeltas.shape[0]], '[K] labels');
  const margin = options.margin ?? 0;
  if (!(margin >= 0) || !Number.isFinite(margin)) {
    throw new Error(`boundedRegressionLoss: margin must be ≥ 0, got ${margin}`);
  }
  return tf.tidy(() => {
    const studentErr = tf.sum(tf.square(tf.sub(studentDeltas, targets)), 1) as tf.Tensor1D;
    const teacherErr = tf.sum(tf.square(tf.sub(stopGradient(teacherDeltas), targets)), 1);
    const active = nonDifferentiable([studentErr, teacherErr, labels], (s, t, l) =>
      tf.mul(
        tf.cast(tf.greater(tf.add(s as tf.Tensor, margin), t as tf.Tensor), 'float32'),
        tf.cast(tf.greaterEqual(l as tf.Tensor, 1), 'float32'),
      ),
    ) as tf.Tensor1D;
    return maskedMean(studentErr, active, normalizer(labels, options.normalization ?? 'sampled'));
  });
}
