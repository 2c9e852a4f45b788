import * as tf from '@tensorflow/tfjs-core';
import type { ConvGradOptions } from './conv2dBackpropFilterComposite.js';
import { convGeometry } from './convGeometry.js';
import { stuffAndPad } from './stuffAndPad.js';

/**
 * Gradient of `depthwiseConv2d(x, w)` with respect to its input: the zero-stuffed output gradient
 * convolved depthwise (multiplier 1 over all Cin·mult channels) with the flipped filter, then the
 * `mult` channels of each input channel summed.
 *
 * @param inShape `[N, H, W, Cin]`
 * @param dy `[N, Ho, Wo, Cin·mult]`
 * @param filter `[fh, fw, Cin, mult]`
 * @returns `[N, H, W, Cin]`
 */
export function depthwiseBackpropInputComposite(
  inShape: readonly [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  options: ConvGradOptions,
): tf.Tensor4D {
  const g = convGeometry(
    inShape,
    filter.shape,
    options.strides,
    options.dilations,
    options.pad,
    options.dimRoundingMode,
    true,
  );
  const [fh, fw, cin, mult] = filter.shape;
  return tf.tidy(() => {
    const effH = (fh - 1) * g.dilationHeight + 1;
    const effW = (fw - 1) * g.dilationWidth + 1;
    const stuffed = stuffAndPad(
      dy,
      g.strideHeight,
      g.strideWidth,
      effH - 1 - g.top,
      effW - 1 - g.left,
      g.inHeight + effH - 1,
      g.inWidth + effW - 1,
    );
    const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [fh, fw, cin * mult, 1]) as tf.Tensor4D;
    const out = tf.depthwiseConv2d(stuffed, flipped, 1, 'valid', 'NHWC', [
      g.dilationHeight,
      g.dilationWidth,
    ]);
    if (mult === 1) return out;
    return tf.sum(tf.reshape(out, [g.batch, g.inHeight, g.inWidth, cin, mult]), 4) as tf.Tensor4D;
  });
}
