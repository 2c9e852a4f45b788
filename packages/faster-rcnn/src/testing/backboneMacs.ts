import * as tf from '@tensorflow/tfjs-core';
import type { Backbone } from '../backbones/Backbone.js';

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/**
 * Multiply-accumulates of the convolutions a backbone's forward pass runs on `images`, read from
 * the kernels tfjs actually executes (`tf.profile`): `Conv2D` output size × kh·kw·Cin, depthwise
 * output size × kh·kw. What a reference of "the same work" must match.
 * @param images `[B, H, W, 3]`, normalised.
 */
export async function backboneMacs(backbone: Backbone, images: tf.Tensor4D): Promise<number> {
  const info = await tf.profile(() => {
    tf.tidy(() => void backbone.forward(images, { training: false }).output.dataSync());
  });
  let macs = 0;
  for (const k of info.kernels) {
    const filter = k.inputShapes[1];
    const y = k.outputShapes[0];
    if (!filter || !y) continue;
    if (k.name === 'Conv2D' || k.name === 'FusedConv2D')
      macs += prod(y) * filter[0]! * filter[1]! * filter[2]!;
    else if (k.name === 'DepthwiseConv2dNative' || k.name === 'FusedDepthwiseConv2D')
      macs += prod(y) * filter[0]! * filter[1]!;
  }
  return macs;
}
