import * as tf from '@tensorflow/tfjs-core';
import { boundedRegressionLoss } from './boundedRegressionLoss.js';
import { boxRegressionLoss } from './boxRegressionLoss.js';
import type { Labels } from './labels.js';
import type { Normalization } from './normalization.js';
import type { SmoothL1Options } from './smoothL1.js';

export interface DistillationRegressionOptions {
  readonly smoothL1: SmoothL1Options;
  /** Weight ν of the bounded term. Default 0.5. */
  readonly nu?: number;
  /** Margin m of the bound. Default 0. */
  readonly margin?: number;
  /** Normaliser of the smooth-L1 part. Default `'sampled'`. */
  readonly normalization?: Normalization;
  /** Normaliser of the bounded part. Default `'sampled'`. */
  readonly boundedNormalization?: Normalization;
}

/**
 * `L_reg = smoothL1(R_s, y) + ν · L_b(R_s, R_t, y)` of the paper (both over foreground rows).
 * Arguments as `boundedRegressionLoss`. ν = 0 is the plain Faster R-CNN regression loss.
 * @returns scalar; the caller disposes it.
 */
export function distillationRegressionLoss(
  studentDeltas: tf.Tensor2D,
  teacherDeltas: tf.Tensor2D,
  targets: tf.Tensor2D,
  labels: Labels,
  options: DistillationRegressionOptions,
): tf.Scalar {
  const nu = options.nu ?? 0.5;
  return tf.tidy(() => {
    const det = boxRegressionLoss(studentDeltas, targets, labels, {
      smoothL1: options.smoothL1,
      normalization: options.normalization ?? 'sampled',
    });
    const bound = boundedRegressionLoss(studentDeltas, teacherDeltas, targets, labels, {
      margin: options.margin ?? 0,
      normalization: options.boundedNormalization ?? 'sampled',
    });
    return tf.add(det, tf.mul(bound, nu)) as tf.Scalar;
  });
}
