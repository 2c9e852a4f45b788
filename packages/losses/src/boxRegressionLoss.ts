import * as tf from '@tensorflow/tfjs-core';
import { maskedMean } from './internal/rowSum.js';
import { expectSameShape, expectShape } from './internal/shapes.js';
import type { Labels } from './labels.js';
import { type Normalization, normalizer, positiveMask } from './normalization.js';
import { type SmoothL1Options, smoothL1 } from './smoothL1.js';

export interface BoxRegressionLossOptions {
  /** Smooth-L1 transition; py-faster-rcnn uses σ = 3 for the RPN and σ = 1 for the RCN. */
  readonly smoothL1: SmoothL1Options;
  /** Default `'sampled'` (1/M, 1/N as in the paper's objective). */
  readonly normalization?: Normalization;
}

/**
 * Faster R-CNN box regression loss: `(1/norm) Σ_{k: y_k ≥ 1} Σ_{j<4} smoothL1(R_kj − t_kj)`.
 * Only foreground rows contribute; the default divisor is the number of sampled rows.
 * @param deltas `[K, 4]` predicted (dx, dy, dw, dh) for each row (select class-specific RCN deltas
 *   first with `selectClassDeltas`). Differentiable.
 * @param targets `[K, 4]` encoded ground-truth deltas (data).
 * @param labels `[K]` (−1 ignored, 0 background, ≥ 1 foreground).
 * @returns scalar; the caller disposes it. Matches PyTorch
 *   `F.smooth_l1_loss(R[pos], t[pos], beta=β, reduction='sum') / max(#sampled, 1)`.
 */
export function boxRegressionLoss(
  deltas: tf.Tensor2D,
  targets: tf.Tensor2D,
  labels: Labels,
  options: BoxRegressionLossOptions,
): tf.Scalar {
  expectShape('boxRegressionLoss deltas', deltas, [null, 4], '[K, 4] deltas');
  expectSameShape('boxRegressionLoss deltas', deltas, 'targets', targets);
  expectShape('boxRegressionLoss labels', labels, [deltas.shape[0]], '[K] labels');
  return tf.tidy(() => {
    const perRow = tf.sum(smoothL1(deltas, targets, options.smoothL1), 1) as tf.Tensor1D;
    return maskedMean(
      perRow,
      positiveMask(labels),
      normalizer(labels, options.normalization ?? 'sampled'),
    );
  });
}
