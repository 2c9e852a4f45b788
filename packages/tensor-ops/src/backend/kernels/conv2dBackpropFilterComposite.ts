import * as tf from '@tensorflow/tfjs-core';
import { type ConvPad, convGeometry } from './convGeometry.js';

export interface ConvGradOptions {
  readonly strides: number | [number, number];
  readonly dilations: number | [number, number];
  readonly pad: ConvPad;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil' | undefined;
}

/**
 * Gradient of `conv2d(x, w)` with respect to the filter, built from a forward convolution only.
 *
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s + kh·d − top, ow·s + kw·d − left, ci] · dy[n,oh,ow,co],
 * which is itself a convolution of the transposed input `[Cin, H, W, N]` with the transposed output
 * gradient `[Ho, Wo, N, Cout]` as filter: its dilation is the forward stride and its stride the
 * forward dilation. Backends without a native filter-gradient kernel (wasm) train through this.
 *
 * @param x `[N, H, W, Cin]` forward input (NHWC)
 * @param dy `[N, Ho, Wo, Cout]` gradient of the forward output
 * @param filterShape `[fh, fw, Cin, Cout]`
 * @returns `[fh, fw, Cin, Cout]`; not differentiable (a gradient, not an op to train through)
 */
export function conv2dBackpropFilterComposite(
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
  return tf.tidy(() => {
    const xT = tf.transpose(x, [3, 1, 2, 0]);
    const dyT = tf.transpose(dy, [1, 2, 0, 3]);
    // Extra bottom/right padding so the composite output always covers the whole filter, even
    // when forward padding was asymmetric or rows at the end were never read.
    const needH = (fh - 1) * g.dilationHeight + 1 + (g.outHeight - 1) * g.strideHeight;
    const needW = (fw - 1) * g.dilationWidth + 1 + (g.outWidth - 1) * g.strideWidth;
    const padBottom = Math.max(0, needH - g.inHeight - g.top);
    const padRight = Math.max(0, needW - g.inWidth - g.left);
    const out = tf.conv2d(
      xT,
      dyT,
      [g.dilationHeight, g.dilationWidth],
      [
        [0, 0],
        [g.top, padBottom],
        [g.left, padRight],
        [0, 0],
      ],
      'NHWC',
      [g.strideHeight, g.strideWidth],
    );
    const cropped = tf.slice(out, [0, 0, 0, 0], [cin, fh, fw, cout]);
    return tf.transpose(cropped, [1, 2, 0, 3]);
  });
}
