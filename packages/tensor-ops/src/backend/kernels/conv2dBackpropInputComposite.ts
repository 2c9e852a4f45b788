import * as tf from '@tensorflow/tfjs-core';
import type { ConvGradOptions } from './conv2dBackpropFilterComposite.js';
import { convGeometry } from './convGeometry.js';
import { stuffAndPad } from './stuffAndPad.js';

/**
 * Gradient of `conv2d(x, w)` with respect to its input, built from a forward convolution: the
 * zero-stuffed output gradient convolved (stride 1, forward dilation) with the spatially flipped,
 * in/out-transposed filter. On wasm this is 2–3× faster for a training step than the backend's own
 * `Conv2DBackpropInput` (measured in tfjs-on-cpu.md).
 *
 * @param inShape `[N, H, W, Cin]` shape of the forward input
 * @param dy `[N, Ho, Wo, Cout]`
 * @param filter `[fh, fw, Cin, Cout]`
 * @returns `[N, H, W, Cin]`
 */
export function conv2dBackpropInputComposite(
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
    false,
  );
  return tf.tidy(() => {
    const effH = (g.filterHeight - 1) * g.dilationHeight + 1;
    const effW = (g.filterWidth - 1) * g.dilationWidth + 1;
    const stuffed = stuffAndPad(
      dy,
      g.strideHeight,
      g.strideWidth,
      effH - 1 - g.top,
      effW - 1 - g.left,
      g.inHeight + effH - 1,
      g.inWidth + effW - 1,
    );
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    return tf.conv2d(stuffed, flipped, 1, 'valid', 'NHWC', [g.dilationHeight, g.dilationWidth]);
  });
}
