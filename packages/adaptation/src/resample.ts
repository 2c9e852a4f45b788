import * as tf from '@tensorflow/tfjs-core';
import { type AxisResampling, interpolationMatrix } from './interpolationMatrix.js';

/** `[rows, cols]` row-major → its transpose, on the host. */
function transposeHost(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

/** `Y[b,:,:,c] = M_h · X[b,:,:,c] · M_wᵀ` with `M_h [outH, H]`, `M_w [outW, W]` given row-major. */
function applySeparable(
  x: tf.Tensor4D,
  mh: Float32Array,
  outH: number,
  mw: Float32Array,
  outW: number,
): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => {
    const ah = tf.tensor2d(mh, [outH, h]);
    const aw = tf.tensor2d(mw, [outW, w]);
    // H axis: [H, B·W·C] ← M_h [outH, H]
    const xh = tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [h, b * w * c]);
    const yh = tf.reshape(tf.matMul(ah, xh), [outH, b, w, c]);
    // W axis: [W, outH·B·C] ← M_w [outW, W]
    const xw = tf.reshape(tf.transpose(yh, [2, 0, 1, 3]), [w, outH * b * c]);
    const yw = tf.reshape(tf.matMul(aw, xw), [outW, outH, b, c]);
    return tf.transpose(yw, [2, 1, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * Resamples an NHWC feature map to `[outH, outW]` with the separable matrices of
 * `interpolationMatrix`: `Y[b,:,:,c] = A_h · X[b,:,:,c] · A_wᵀ`.
 *
 * Differentiable in `x` through a custom gradient, the exact adjoint `A_hᵀ · dY · A_w`, computed with
 * the transposed matrices built on the host. Why custom: tfjs-backend-cpu's `ResizeBilinearGrad`
 * fails for non-square maps (H and W swapped), and the stock `matMul` gradient would use
 * `transposeA`, which is ~15× slower than a plain matMul on wasm. Same math on every backend.
 * @param x `[B, H, W, C]`.
 * @returns `[B, outH, outW, C]`; the caller disposes it.
 */
export function resample(
  x: tf.Tensor4D,
  outH: number,
  outW: number,
  mode: AxisResampling,
): tf.Tensor4D {
  if (x.rank !== 4) throw new Error(`resample: expected [B, H, W, C], got [${x.shape.join(', ')}]`);
  const [, h, w] = x.shape;
  const mh = interpolationMatrix(outH, h, mode);
  const mw = interpolationMatrix(outW, w, mode);
  const op = tf.customGrad((input: tf.Tensor | tf.GradSaveFunc) => ({
    value: applySeparable(input as tf.Tensor4D, mh, outH, mw, outW),
    gradFunc: (dy: tf.Tensor) =>
      applySeparable(
        dy as tf.Tensor4D,
        transposeHost(mh, outH, h),
        h,
        transposeHost(mw, outW, w),
        w,
      ),
  }));
  return op(x) as tf.Tensor4D;
}
