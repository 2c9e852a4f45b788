import * as tf from '@tensorflow/tfjs-core';
import { oneHotFloat } from './internal/oneHotFloat.js';
import { maskedMean } from './internal/rowSum.js';
import { expectShape } from './internal/shapes.js';
import type { Labels } from './labels.js';
import { type Normalization, normalizer, sampledMask } from './normalization.js';

export interface SoftmaxCrossEntropyOptions {
  /** Default `'sampled'`: divide by the number of rows with label ≥ 0 (M anchors / N RoIs). */
  readonly normalization?: Normalization;
}

/**
 * Hard-label softmax cross-entropy (RPN objectness as 2 logits, RCN classification over C+1
 * classes): `(1/norm) Σ_{k: y_k ≥ 0} −log softmax(Z_k)[y_k]`.
 *
 * Stable for any finite logits (built on `logSoftmax`); rows labelled −1 contribute nothing.
 * @param logits `[K, C]` raw scores, column 0 = background. Differentiable.
 * @param labels `[K]` class indices in `[0, C)`, or −1 for ignored rows.
 * @returns scalar; the caller disposes it. Matches PyTorch
 *   `F.cross_entropy(logits, labels, ignore_index=-1, reduction='sum') / max(#sampled, 1)`.
 * @example
 * const l = softmaxCrossEntropy(rcnLogits, rcnLabels); // L_cls of Fast R-CNN, 1/N normalised
 */
export function softmaxCrossEntropy(
  logits: tf.Tensor2D,
  labels: Labels,
  options: SoftmaxCrossEntropyOptions = {},
): tf.Scalar {
  expectShape('softmaxCrossEntropy logits', logits, [null, null], '[K, C] logits');
  expectShape('softmaxCrossEntropy labels', labels, [logits.shape[0]], '[K] labels');
  return tf.tidy(() => {
    const numClasses = logits.shape[1];
    // oneHot of −1 is an all-zero row, so ignored rows drop out of the sum by themselves.
    const oneHot = oneHotFloat(labels, numClasses);
    const perRow = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
    return maskedMean(
      perRow,
      sampledMask(labels),
      normalizer(labels, options.normalization ?? 'sampled'),
    );
  });
}
