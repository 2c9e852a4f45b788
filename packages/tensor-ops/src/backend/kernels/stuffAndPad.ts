import * as tf from '@tensorflow/tfjs-core';

/**
 * Prepares an output gradient `[N, Ho, Wo, C]` for an input-gradient convolution: inserts
 * `stride - 1` zeros between rows/columns ("zero stuffing", the transpose of striding) and pads or
 * crops the border so that a stride-1 'valid' convolution with the flipped filter of effective size
 * `fe` yields exactly `[N, H, W, ·]`. Negative paddings crop.
 */
export function stuffAndPad(
  dy: tf.Tensor4D,
  strideH: number,
  strideW: number,
  padTop: number,
  padLeft: number,
  targetH: number,
  targetW: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, ho, wo, c] = dy.shape;
    let stuffed: tf.Tensor4D = dy;
    if (strideH > 1 || strideW > 1) {
      const six = tf.reshape(dy, [n, ho, 1, wo, 1, c]);
      const padded = tf.pad(six, [
        [0, 0],
        [0, 0],
        [0, strideH - 1],
        [0, 0],
        [0, strideW - 1],
        [0, 0],
      ]);
      const full = tf.reshape(padded, [n, ho * strideH, wo * strideW, c]);
      stuffed = tf.slice(
        full as tf.Tensor4D,
        [0, 0, 0, 0],
        [n, (ho - 1) * strideH + 1, (wo - 1) * strideW + 1, c],
      );
    }
    const sh = stuffed.shape[1];
    const sw = stuffed.shape[2];
    const padBottom = targetH - padTop - sh;
    const padRight = targetW - padLeft - sw;
    const cropTop = Math.max(0, -padTop);
    const cropLeft = Math.max(0, -padLeft);
    const cropBottom = Math.max(0, -padBottom);
    const cropRight = Math.max(0, -padRight);
    if (cropTop || cropLeft || cropBottom || cropRight) {
      stuffed = tf.slice(
        stuffed,
        [0, cropTop, cropLeft, 0],
        [n, sh - cropTop - cropBottom, sw - cropLeft - cropRight, c],
      );
    }
    const pt = Math.max(0, padTop);
    const pl = Math.max(0, padLeft);
    const pb = Math.max(0, padBottom);
    const pr = Math.max(0, padRight);
    if (pt || pl || pb || pr) {
      stuffed = tf.pad(stuffed, [
        [0, 0],
        [pt, pb],
        [pl, pr],
        [0, 0],
      ]);
    }
    return stuffed;
  });
}
