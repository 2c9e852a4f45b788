import * as tf from '@tensorflow/tfjs-core';

/**
 * One forward + backward of Σ `output()` over `vars`, every gradient read back (so that a
 * benchmark times the whole backward on backends that run asynchronously). Leaves no tensor.
 */
export function backboneTrainStep(output: () => tf.Tensor, vars: tf.Variable[]): void {
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.sum(output()) as tf.Scalar, vars);
    for (const g of Object.values(grads)) g.dataSync();
  });
}
