import type * as tf from '@tensorflow/tfjs-core';

type PoolInfo = tf.backend_util.Conv2DInfo;

/**
 * Visits every pooling window in output order: batch `b`, the window's top-left corner `(y0, x0)`
 * in input pixels (negative inside the padding) and `o`, the flat `[N, Ho, Wo, C]` offset of its
 * channel 0. The one walk both pool gradients share.
 */
function forEachWindow(
  info: PoolInfo,
  visit: (b: number, y0: number, x0: number, o: number) => void,
): void {
  const { batchSize: n, inChannels: ch, outHeight: ho, outWidth: wo } = info;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      const y0 = oy * info.strideHeight - info.padInfo.top;
      for (let ox = 0; ox < wo; ox++, o += ch)
        visit(b, y0, ox * info.strideWidth - info.padInfo.left, o);
    }
  }
}

/**
 * Gradient of 2-D max pooling as TensorFlow and PyTorch define it: each output's gradient goes to
 * the first maximum of its window in row-major scan order (NaN counts as the maximum), padding
 * never wins.
 *
 * @param x input values, NHWC `[N, H, W, C]` as in `info`
 * @param dy output gradient, `[N, Ho, Wo, C]`
 * @returns dx, `[N, H, W, C]`
 */
export function maxPoolGradValues(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  info: PoolInfo,
): Float32Array {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ch } = info;
  const dx = new Float32Array(n * h * w * ch);
  forEachWindow(info, (b, y0, x0, o) => {
    for (let c = 0; c < ch; c++) {
      let best = Number.NEGATIVE_INFINITY;
      let arg = -1;
      for (let ky = 0; ky < info.effectiveFilterHeight; ky += info.dilationHeight) {
        const iy = y0 + ky;
        if (iy < 0 || iy >= h) continue;
        for (let kx = 0; kx < info.effectiveFilterWidth; kx += info.dilationWidth) {
          const ix = x0 + kx;
          if (ix < 0 || ix >= w) continue;
          const at = ((b * h + iy) * w + ix) * ch + c;
          const v = x[at] as number;
          if (arg < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
            best = v;
            arg = at;
          }
        }
      }
      if (arg >= 0) dx[arg] = (dx[arg] as number) + (dy[o + c] as number);
    }
  });
  return dx;
}

/**
 * Gradient of 2-D average pooling as TensorFlow defines it: each output averages the window's
 * cells inside the input (padding cells are not counted), so its gradient is spread over those
 * cells only, divided by their number.
 *
 * @param dy output gradient, `[N, Ho, Wo, C]`
 * @returns dx, `[N, H, W, C]`
 */
export function avgPoolGradValues(dy: ArrayLike<number>, info: PoolInfo): Float32Array {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ch } = info;
  const dx = new Float32Array(n * h * w * ch);
  forEachWindow(info, (b, y0, x0, o) => {
    const ya = Math.max(0, y0);
    const yb = Math.min(h, y0 + info.effectiveFilterHeight);
    const xa = Math.max(0, x0);
    const xb = Math.min(w, x0 + info.effectiveFilterWidth);
    const count = Math.max(1, (yb - ya) * (xb - xa));
    for (let c = 0; c < ch; c++) {
      const g = (dy[o + c] as number) / count;
      for (let iy = ya; iy < yb; iy++) {
        for (let ix = xa; ix < xb; ix++) {
          const at = ((b * h + iy) * w + ix) * ch + c;
          dx[at] = (dx[at] as number) + g;
        }
      }
    }
  });
  return dx;
}
