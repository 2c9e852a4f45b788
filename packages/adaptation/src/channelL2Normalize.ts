import * as tf from '@tensorflow/tfjs-core';

/**
 * Divides each feature vector (last axis) by its L2 norm: `x / sqrt(Σ_c x_c² + ε)`.
 * Batch-statistics-free (unlike batch norm), so student and teacher maps can both be normalised
 * and the hint then compares directions, not magnitudes. Differentiable.
 * @param x `[..., C]`, e.g. NHWC `[B, H, W, C]` (one vector per position) or `[B, D]`.
 * @returns same shape; the caller disposes it.
 */
export function channelL2Normalize(x: tf.Tensor, epsilon = 1e-6): tf.Tensor {
  return tf.tidy(() => tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), -1, true), epsilon))));
}
