import * as tf from '@tensorflow/tfjs-core';
import type { ConvGradOptions } from './conv2dBackpropFilterComposite.js';
import { convGeometry } from './convGeometry.js';

/**
 * Gradient of `depthwiseConv2d(x, w)` with respect to the filter, as one depthwise convolution:
 * every (image, channel) pair becomes a channel of a single-image input, the output gradient its
 * per-channel filter (dilation = forward stride, stride = forward dilation), then the images are
 * summed.
 *
 * @param x `[N, H, W, Cin]`
 * @param dy `[N, Ho, Wo, Cin·mult]`
 * @param filterShape `[fh, fw, Cin, mult]`
 * @returns `[fh, fw, Cin, mult]`
 */
export function depthwiseBackpropFilterComposite(
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
    true,
  );
  const [fh, fw, cin, mult] = filterShape;
  const n = g.batch;
  return tf.tidy(() => {
    const xs = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [
      1,
      g.inHeight,
      g.inWidth,
      n * cin,
    ]) as tf.Tensor4D;
    const dys = tf.reshape(
      tf.transpose(tf.reshape(dy, [n, g.outHeight, g.outWidth, cin, mult]), [1, 2, 0, 3, 4]),
      [g.outHeight, g.outWidth, n * cin, mult],
    ) as tf.Tensor4D;
    const needH = (fh - 1) * g.dilationHeight + 1 + (g.outHeight - 1) * g.strideHeight;
    const needW = (fw - 1) * g.dilationWidth + 1 + (g.outWidth - 1) * g.strideWidth;
    const padBottom = Math.max(0, needH - g.inHeight - g.top);
    const padRight = Math.max(0, needW - g.inWidth - g.left);
    const out = tf.depthwiseConv2d(
      xs,
      dys,
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
    const cropped = tf.slice(out, [0, 0, 0, 0], [1, fh, fw, n * cin * mult]);
    return tf.sum(tf.reshape(cropped, [fh, fw, n, cin, mult]), 2) as tf.Tensor4D;
  });
}
