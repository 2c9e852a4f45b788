import * as tf from '@tensorflow/tfjs-core';
import { maskedMean } from './internal/rowSum.js';
import { expectShape } from './internal/shapes.js';
import type { Labels } from './labels.js';
import { type Normalization, normalizer, positiveMask, sampledMask } from './normalization.js';

export interface SigmoidCrossEntropyOptions {
  /** Default `'sampled'`: divide by the number of rows with label ≥ 0. */
  readonly normalization?: Normalization;
}

/**
 * Binary cross-entropy on one objectness logit per anchor (torchvision's RPN formulation):
 * `(1/norm) Σ_{k: y_k ≥ 0} softplus(x_k) − x_k·[y_k ≥ 1]`.
 *
 * Equal to `softmaxCrossEntropy` on the two-column logits `[0, x]` (see `twoClassLogits`).
 * @param logits `[K]` objectness logits. Differentiable.
 * @param labels `[K]`: 1 object, 0 background, −1 ignored.
 * @returns scalar; the caller disposes it. Matches PyTorch
 *   `F.binary_cross_entropy_with_logits(x[s], y[s], reduction='sum') / max(#sampled, 1)`.
 */
export function sigmoidCrossEntropy(
  logits: tf.Tensor1D,
  labels: Labels,
  options: SigmoidCrossEntropyOptions = {},
): tf.Scalar {
  expectShape('sigmoidCrossEntropy logits', logits, [null], '[K] objectness logits');
  expectShape('sigmoidCrossEntropy labels', labels, [logits.shape[0]], '[K] labels');
  return tf.tidy(() => {
    // tf.softplus switches to x / exp(x) at its thresholds: finite for logits of any size.
    const perRow = tf.sub(tf.softplus(logits), tf.mul(logits, positiveMask(labels))) as tf.Tensor1D;
    return maskedMean(
      perRow,
      sampledMask(labels),
      normalizer(labels, options.normalization ?? 'sampled'),
    );
  });
}

/**
 * `[K]` objectness logits → `[K, 2]` logits `[0, x]`, whose softmax is `[1 − σ(x), σ(x)]`:
 * lets the softmax-based distillation losses treat a sigmoid RPN as a 2-class classifier
 * (column 0 = background). Differentiable; the caller disposes the result.
 */
export function twoClassLogits(logits: tf.Tensor1D): tf.Tensor2D {
  expectShape('twoClassLogits logits', logits, [null], '[K] objectness logits');
  return tf.tidy(() => tf.stack([tf.zeros(logits.shape), logits], 1) as tf.Tensor2D);
}
