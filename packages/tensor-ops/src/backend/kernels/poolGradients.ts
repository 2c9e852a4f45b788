import type * as tf from '@tensorflow/tfjs-core';

type PoolInfo = tf.backend_util.Conv2DInfo;

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
  const {
    batchSize: n,
    inHeight: h,
    inWidth: w,
    inChannels: ch,
    outHeight: ho,
    outWidth: wo,
  } = info;
  const dx = new Float32Array(n * h * w * ch);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      const y0 = oy * info.strideHeight - info.padInfo.top;
      for (let ox = 0; ox < wo; ox++) {
        const x0 = ox * info.strideWidth - info.padInfo.left;
        for (let c = 0; c < ch; c++, o++) {
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
          if (arg >= 0) dx[arg] = (dx[arg] as number) + (dy[o] as number);
        }
      }
    }
  }
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
  const {
    batchSize: n,
    inHeight: h,
    inWidth: w,
    inChannels: ch,
    outHeight: ho,
    outWidth: wo,
  } = info;
  const dx = new Float32Array(n * h * w * ch);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      const y0 = oy * info.strideHeight - info.padInfo.top;
      const ya = Math.max(0, y0);
      const yb = Math.min(h, y0 + info.effectiveFilterHeight);
      for (let ox = 0; ox < wo; ox++) {
        const x0 = ox * info.strideWidth - info.padInfo.left;
        const xa = Math.max(0, x0);
        const xb = Math.min(w, x0 + info.effectiveFilterWidth);
        const count = Math.max(1, (yb - ya) * (xb - xa));
        for (let c = 0; c < ch; c++, o++) {
          const g = (dy[o] as number) / count;
          for (let iy = ya; iy < yb; iy++) {
            for (let ix = xa; ix < xb; ix++) {
              const at = ((b * h + iy) * w + ix) * ch + c;
              dx[at] = (dx[at] as number) + g;
            }
          }
        }
      }
    }
  }
  return dx;
}
