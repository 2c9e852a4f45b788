import * as tf from '@tensorflow/tfjs-core';
import { maskedMean } from './internal/rowSum.js';
import { expectSameShape, expectShape } from './internal/shapes.js';
import type { Labels } from './labels.js';
import { type Normalization, normalizer, positiveMask } from './normalization.js';
import { stopGradient } from './stopGradient.js';

export interface TeacherL2Options {
  /** Default `'sampled'`, like the bounded loss it is compared with. */
  readonly normalization?: Normalization;
}

/**
 * Plain L2 to the teacher's regression outputs (the paper's "L2" ablation row, the baseline of the
 * teacher bound): `(1/norm) Σ_{k: y_k ≥ 1} ‖R_s(k) − R_t(k)‖²`, foreground rows only.
 * @param studentDeltas `[K, 4]`. Differentiable.
 * @param teacherDeltas `[K, 4]` for the same rows; detached.
 * @param labels `[K]` (−1 ignored, 0 background, ≥ 1 foreground).
 * @returns scalar; the caller disposes it.
 */
export function teacherL2Loss(
  studentDeltas: tf.Tensor2D,
  teacherDeltas: tf.Tensor2D,
  labels: Labels,
  options: TeacherL2Options = {},
): tf.Scalar {
  expectShape('teacherL2Loss studentDeltas', studentDeltas, [null, 4], '[K, 4] deltas');
  expectSameShape('teacherL2Loss studentDeltas', studentDeltas, 'teacherDeltas', teacherDeltas);
  expectShape('teacherL2Loss labels', labels, [studentDeltas.shape[0]], '[K] labels');
  return tf.tidy(() => {
    const perRow = tf.sum(tf.square(tf.sub(studentDeltas, stopGradient(teacherDeltas))), 1);
    return maskedMean(
      perRow as tf.Tensor1D,
      positiveMask(labels),
      normalizer(labels, options.normalization ?? 'sampled'),
    );
  });
}
