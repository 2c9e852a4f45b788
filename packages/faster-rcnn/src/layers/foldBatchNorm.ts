import * as tf from '@tensorflow/tfjs-core';
import type { BatchNorm } from './layers.js';

/** A convolution with an inference-mode batch norm folded in: `conv(x, w) + b`. */
export interface FoldedConv {
  /** `[k, k, Cin, Cout]`, or `[k, k, C, 1]` for a depthwise convolution. */
  readonly w: tf.Tensor4D;
  /** `[Cout]` (or `[C]`). */
  readonly b: tf.Tensor1D;
}

/**
 * Folds an inference-mode batch norm into the bias-free convolution before it:
 * `BN(conv(x, w)) = conv(x, w · s) + (β − μ · s)` with `s = γ / √(σ² + ε)` per output channel —
 * one add instead of a batch-norm kernel (equal up to float32 rounding). Differentiable: folded on
 * the gradient tape, w, γ and β receive their gradients through it; a cached fold (computed once,
 * outside the tape) is for forwards that need no gradient.
 *
 * @param weight `[k, k, Cin, Cout]` (`depthwise`: `[k, k, C, 1]`, the channel on axis 2).
 * @returns new tensors, owned by the caller.
 */
export function foldBatchNorm(weight: tf.Tensor4D, bn: BatchNorm, depthwise: boolean): FoldedConv {
  return tf.tidy(() => {
    const s = tf.div(bn.gamma, tf.sqrt(tf.add(bn.variance, bn.epsilon)));
    const w = tf.mul(weight, depthwise ? tf.reshape(s, [1, 1, -1, 1]) : s) as tf.Tensor4D;
    const b = tf.sub(bn.beta, tf.mul(bn.mean, s)) as tf.Tensor1D;
    return { w, b };
  });
}
