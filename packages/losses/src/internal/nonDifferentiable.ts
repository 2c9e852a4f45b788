import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `f` as one opaque op whose gradient is zero for every input.
 *
 * Why: tfjs has no `stopGradient`, and comparison kernels (`Greater`, `Less`, …) have no gradient,
 * so a mask built with them on the differentiated path makes backprop throw. The ops inside a
 * `tf.customGrad` forward are not recorded on the tape, so wrapping the comparison here keeps it
 * off the tape without a host round trip (no `dataSync`).
 */
export function nonDifferentiable<T extends tf.Tensor>(
  inputs: readonly tf.Tensor[],
  f: (...xs: tf.Tensor[]) => T,
): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xs = args.slice(0, inputs.length) as tf.Tensor[];
    // Shapes, not the tensors: an input may be disposed by the time the gradient runs, and the
    // tensorflow backend's ZerosLike reads its input (cpu and wasm only read its shape).
    const specs = xs.map((x) => [x.shape, x.dtype] as const);
    return {
      value: f(...xs),
      gradFunc: () => specs.map(([shape, dtype]) => tf.zeros(shape, dtype)),
    };
  });
  return op(...inputs) as T;
}
