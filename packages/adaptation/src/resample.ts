import * as tf from '@tensorflow/tfjs-core';
import { type AxisResampling, interpolationMatrix } from './interpolationMatrix.js';

/**
 * Resamples an NHWC feature map to `[outH, outW]` with the separable matrices of
 * `interpolationMatrix` (`Y[b,:,:,c] = A_h · X[b,:,:,c] · A_wᵀ`). Differentiable in `x`, with the
 * exact adjoint as gradient, on any backend (only `matMul`, `reshape`, `transpose`).
 * @param x `[B, H, W, C]`.
 * @returns `[B, outH, outW, C]`; the caller disposes it. Returns a copy when sizes match and the
 *   mode is `'pad'` (or any mode that is the identity at equal sizes).
 */
export function resample(
  x: tf.Tensor4D,
  outH: number,
  outW: number,
  mode: AxisResampling,
): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => {
    const ah = tf.tensor2d(interpolationMatrix(outH, h, mode), [outH, h]);
    const aw = tf.tensor2d(interpolationMatrix(outW, w, mode), [outW, w]);
    // H axis: [H, B·W·C] ← A_h [outH, H]
    const xh = tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [h, b * w * c]);
    const yh = tf.reshape(tf.matMul(ah, xh), [outH, b, w, c]);
    // W axis: [W, outH·B·C] ← A_w [outW, W]
    const xw = tf.reshape(tf.transpose(yh, [2, 0, 1, 3]), [w, outH * b * c]);
    const yw = tf.reshape(tf.matMul(aw, xw), [outW, outH, b, c]);
    return tf.transpose(yw, [2, 1, 0, 3]) as tf.Tensor4D;
  });
}
