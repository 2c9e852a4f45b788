import * as tf from '@tensorflow/tfjs-core';
import { nonDifferentiable } from './internal/nonDifferentiable.js';
import type { Labels } from './labels.js';

/**
 * How a loss summed over rows is normalised:
 * - `'sampled'`: divide by the number of sampled rows (labels ≥ 0): 1/M for anchors, 1/N for RoIs,
 *   as in the paper's objective and in py-faster-rcnn / torchvision. The default everywhere.
 * - `'positives'`: divide by the number of foreground rows (labels ≥ 1); a much stronger loss when
 *   positives are rare.
 * - `'sum'`: no division.
 * - `{ divideBy: n }`: divide by a fixed positive number (e.g. a constant batch size).
 * A count of zero is replaced by 1, so an empty set gives a loss of 0, never NaN.
 */
export type Normalization = 'sampled' | 'positives' | 'sum' | { readonly divideBy: number };

/** `[K]` float32 mask, 1 where the row is sampled (label ≥ 0). Not differentiable. */
export function sampledMask(labels: Labels): tf.Tensor1D {
  return nonDifferentiable([labels], (l) =>
    tf.cast(tf.greaterEqual(l as tf.Tensor, 0), 'float32'),
  ) as tf.Tensor1D;
}

/** `[K]` float32 mask, 1 where the row is foreground (label ≥ 1). Not differentiable. */
export function positiveMask(labels: Labels): tf.Tensor1D {
  return nonDifferentiable([labels], (l) =>
    tf.cast(tf.greaterEqual(l as tf.Tensor, 1), 'float32'),
  ) as tf.Tensor1D;
}

/**
 * The divisor for a row-summed loss, as a scalar tensor (no host sync). Not differentiable.
 * @param labels `[K]` labels (−1 ignored, 0 background, ≥1 foreground).
 * @returns scalar ≥ 1 (or the fixed divisor); the caller disposes it.
 */
export function normalizer(labels: Labels, normalization: Normalization): tf.Scalar {
  if (typeof normalization === 'object') {
    if (!(normalization.divideBy > 0) || !Number.isFinite(normalization.divideBy)) {
      throw new Error(
        `normalization.divideBy must be a finite positive number, got ${normalization.divideBy}`,
      );
    }
    return tf.scalar(normalization.divideBy);
  }
  if (normalization === 'sum') return tf.scalar(1);
  return tf.tidy(() => {
    const mask = normalization === 'sampled' ? sampledMask(labels) : positiveMask(labels);
    return tf.maximum(tf.sum(mask), 1) as tf.Scalar;
  });
}
