import * as tf from '@tensorflow/tfjs-core';

/** `Σ_k mask[k] · perRow[k] / divisor` as a scalar. `perRow`, `mask`: `[K]`; `divisor`: scalar. */
export function maskedMean(perRow: tf.Tensor1D, mask: tf.Tensor1D, divisor: tf.Scalar): tf.Scalar {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(perRow, mask)), divisor) as tf.Scalar);
}
