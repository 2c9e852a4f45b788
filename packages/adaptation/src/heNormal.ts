import * as tf from '@tensorflow/tfjs-core';

/**
 * He (Kaiming) normal initialisation: `N(0, 2 / fanIn)`, deterministic for a given `seed`
 * (tfjs' seeded generator). Suits a linear adaptation layer fed by ReLU features.
 * @param shape kernel shape, e.g. `[k, k, Cin, Cout]` or `[Din, Dout]`.
 * @param fanIn inputs per output unit: `k·k·Cin` for a conv, `Din` for a dense layer.
 * @returns a new tensor; the caller disposes it.
 */
export function heNormal(shape: readonly number[], fanIn: number, seed: number): tf.Tensor {
  if (!(fanIn > 0)) throw new Error(`heNormal: fanIn must be > 0, got ${fanIn}`);
  return tf.randomNormal([...shape], 0, Math.sqrt(2 / fanIn), 'float32', seed);
}
