import * as tf from '@tensorflow/tfjs-core';

/**
 * `[K]` integer labels → `[K, depth]` float32 one-hot rows; out-of-range labels (−1) give zero rows.
 * Built as int32 then cast: tfjs-backend-wasm 4.22's OneHot ignores `dtype: 'float32'` and
 * writes int32 bit patterns into a float32 tensor (denormal garbage). Not differentiable.
 */
export function oneHotFloat(labels: tf.Tensor, depth: number): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.cast(tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, depth), 'float32') as tf.Tensor2D,
  );
}
