import type * as tfc from '@tensorflow/tfjs-core';
import type { ImageBatch } from './padBatch.js';

/**
 * The one place this package touches TensorFlow.js: a batch as a `[B, H, W, C]` float32
 * tensor. The caller passes its own `@tensorflow/tfjs-core` module (so this package never
 * imports or initialises a backend) and owns the tensor: dispose it after the step.
 */
export const toTensor = (tf: typeof tfc, batch: ImageBatch): tfc.Tensor4D =>
  tf.tensor4d(batch.data, [batch.batchSize, batch.height, batch.width, batch.channels], 'float32');
