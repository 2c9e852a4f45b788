import * as tf from '@tensorflow/tfjs-core';
import type { Backbone } from '../backbones/Backbone.js';

/**
 * Milliseconds per tfjs kernel (`Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropInput`, …)
 * of one forward + backward of a backbone in training mode, gradients with respect to `variables`,
 * from `tf.profile`'s per-kernel times (accurate where kernels run synchronously: the tensorflow,
 * wasm and cpu backends in Node), largest first. Splits a profile's "backbone backward" further.
 * @param images `[B, H, W, 3]`, normalised.
 */
export async function backboneKernelTimes(
  backbone: Backbone,
  images: tf.Tensor4D,
  variables: readonly tf.Variable[],
): Promise<Array<readonly [kernel: string, ms: number]>> {
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(backbone.forward(images, { training: true }).output) as tf.Scalar,
      [...variables],
    );
    for (const g of Object.values(grads)) g.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  });
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) {
    const ms = await k.kernelTimeMs;
    const t = typeof ms === 'number' ? ms : 0;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + t);
  }
  return [...byKernel.entries()].sort((a, b) => b[1] - a[1]);
}
