import * as tf from '@tensorflow/tfjs-core';
import type { ConvGradOptions } from '../backend/kernels/conv2dBackpropFilterComposite.js';
import { convGeometry } from '../backend/kernels/convGeometry.js';

// The im2col prototype that `wasmConvGradBench` weighs against kd's registered filter gradient
// (docs/native-backend.md, "wasm"). It lost on wasm, so it is not registered as a kernel.

/**
 * Gradient of `conv2d(x, w)` with respect to the filter as one matrix product over the patches
 * ("im2col"): dW `[fh·fw·Cin, Cout]` = patchesᵀ `[fh·fw·Cin, N·Ho·Wo]` · dy `[N·Ho·Wo, Cout]`,
 * where patchesᵀ stacks the fh·fw strided slices of the padded, channels-first input.
 * The product's inner dimension is the long one (every output position), which a GEMM handles
 * well; the convolution formulation ({@link conv2dBackpropFilterComposite}) instead runs a
 * convolution whose filter is the whole output map and whose channels are the batch.
 *
 * @param x `[N, H, W, Cin]` forward input (NHWC)
 * @param dy `[N, Ho, Wo, Cout]` gradient of the forward output
 * @param filterShape `[fh, fw, Cin, Cout]`
 * @returns `[fh, fw, Cin, Cout]`
 */
export function conv2dBackpropFilterIm2col(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  options: ConvGradOptions,
): tf.Tensor4D {
  const g = convGeometry(
    x.shape,
    filterShape,
    options.strides,
    options.dilations,
    options.pad,
    options.dimRoundingMode,
    false,
  );
  const [fh, fw, cin, cout] = filterShape;
  const n = x.shape[0];
  const m = n * g.outHeight * g.outWidth;
  return tf.tidy(() => {
    // Rows/columns every tap reads, padded with zeros where the forward pass padded (and cropped
    // where it never read), channels first so that each tap's slice is a run of whole rows and the
    // taps stack along the outer axis (both plain copies on wasm; a channels-last concat is not).
    const needH = (fh - 1) * g.dilationHeight + (g.outHeight - 1) * g.strideHeight + 1;
    const needW = (fw - 1) * g.dilationWidth + (g.outWidth - 1) * g.strideWidth + 1;
    const xT = tf.transpose(padOrCrop(x, g.top, g.left, needH, needW), [3, 0, 1, 2]);
    const taps: tf.Tensor[] = [];
    for (let kh = 0; kh < fh; kh++) {
      for (let kw = 0; kw < fw; kw++) {
        const h0 = kh * g.dilationHeight;
        const w0 = kw * g.dilationWidth;
        const hEnd = h0 + (g.outHeight - 1) * g.strideHeight + 1;
        const wEnd = w0 + (g.outWidth - 1) * g.strideWidth + 1;
        const tap =
          g.strideHeight === 1 && g.strideWidth === 1
            ? tf.slice(xT, [0, 0, h0, w0], [cin, n, g.outHeight, g.outWidth])
            : tf.stridedSlice(
                xT,
                [0, 0, h0, w0],
                [cin, n, hEnd, wEnd],
                [1, 1, g.strideHeight, g.strideWidth],
              );
        taps.push(tf.reshape(tap, [cin, m]));
      }
    }
    // patchesᵀ [fh·fw·Cin, N·Ho·Wo] · dy [N·Ho·Wo, Cout]: rows ordered (kh, kw, ci) as the filter.
    const patchesT = taps.length === 1 ? taps[0]! : tf.concat(taps, 0);
    const dw = tf.matMul(patchesT as tf.Tensor2D, tf.reshape(dy, [m, cout]) as tf.Tensor2D);
    return tf.reshape(dw, [fh, fw, cin, cout]) as tf.Tensor4D;
  });
}

/** `x` shifted by (top, left) into a zero canvas of `[N, height, width, C]` (negative = crop). */
function padOrCrop(
  x: tf.Tensor4D,
  top: number,
  left: number,
  height: number,
  width: number,
): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const cropTop = Math.max(0, -top);
  const cropLeft = Math.max(0, -left);
  const keepH = Math.min(h - cropTop, height - Math.max(0, top));
  const keepW = Math.min(w - cropLeft, width - Math.max(0, left));
  let out: tf.Tensor4D = x;
  if (cropTop > 0 || cropLeft > 0 || keepH < h || keepW < w) {
    out = tf.slice(x, [0, cropTop, cropLeft, 0], [n, keepH, keepW, c]);
  }
  const pt = Math.max(0, top);
  const pl = Math.max(0, left);
  const pb = height - pt - keepH;
  const pr = width - pl - keepW;
  if (pt > 0 || pl > 0 || pb > 0 || pr > 0) {
    out = tf.pad(out, [
      [0, 0],
      [pt, pb],
      [pl, pr],
      [0, 0],
    ]);
  }
  return out;
}
