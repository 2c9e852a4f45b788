import * as tf from '@tensorflow/tfjs-core';

/**
 * The float tensors of `weights` holding NaN or ±Infinity, with how many such values each has
 * (a diverged run or a corrupted file; such a model predicts nothing useful). Not differentiable;
 * reads each tensor back to the host once. Inputs are neither changed nor disposed.
 *
 * @param weights - tensors by name, any shapes.
 * @returns `[name, count]` for each tensor with at least one non-finite value, in key order.
 */
export function nonFiniteWeights(
  weights: Readonly<Record<string, tf.Tensor>>,
): Array<readonly [string, number]> {
  const found: Array<readonly [string, number]> = [];
  for (const [name, w] of Object.entries(weights)) {
    if (w.dtype !== 'float32') continue;
    const count = tf.tidy(
      () => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(w)), 'int32')).dataSync()[0] ?? 0,
    );
    if (count > 0) found.push([name, count]);
  }
  return found;
}
