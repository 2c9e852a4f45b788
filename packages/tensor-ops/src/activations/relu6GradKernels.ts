import * as tf from '@tensorflow/tfjs-core';
import {
  type MaskedActivation,
  maskedGradCompositeKernel,
  maskedGradKernels,
} from './maskedActivation.js';

/**
 * `dy` where `0 < x < 6`, else 0, from public ops. `dy`, `x`: the same shape; returns that shape.
 */
export function relu6GradComposite<T extends tf.Tensor>(dy: T, x: T): T {
  return tf.tidy(() =>
    tf.where(tf.logicalAnd(tf.greater(x, 0), tf.less(x, 6)), dy, tf.zerosLike(dy)),
  ) as T;
}

/**
 * kd's ReLU6 and the gradient its kernels compute, on every backend: `dy` where `0 < x < 6`, else
 * 0 — TensorFlow's `Relu6Grad` and PyTorch's `hardtanh_backward(dy, x, 0, 6)`. (tfjs-core's own
 * `Relu6` gradient, `dy · cast(lessEqual(x, 6) · step(x))`, also passes the gradient at x = 6.) A
 * NaN `x` gets 0, as in TensorFlow; PyTorch passes `dy` there. Where the gradient is masked,
 * TensorFlow multiplies (`dy · 0`: −0 for a negative `dy`, NaN for an infinite one); the loops and
 * the composite select +0, as PyTorch does. TensorFlow's threads may flush subnormal floats to
 * zero, so natively a subnormal positive `x` may count as 0 (forward or gradient); the other
 * backends keep it.
 */
export const RELU6_ACTIVATION: MaskedActivation = {
  forward: 'Relu6',
  kernelName: 'KdRelu6',
  gradKernelName: 'KdRelu6Grad',
  tensorflowOp: 'Relu6Grad',
  // The mask, all ones where 0 < x < 6 (false for NaN), ANDed with the bits of dy.
  loop: (dy, x, out) => {
    for (let i = 0; i < out.length; i++) {
      const v = x[i]!;
      out[i] = dy[i]! & -(Number(v > 0) & Number(v < 6));
    }
  },
  composite: relu6GradComposite,
};

/** `KdRelu6Grad` (inputs `dy`, `x`, float32, one shape) by backend; others get the composite. */
export const RELU6_GRAD_KERNELS = maskedGradKernels(RELU6_ACTIVATION);

/** The composite as a kernel, for any backend without an entry in {@link RELU6_GRAD_KERNELS}. */
export const relu6GradCompositeKernel = maskedGradCompositeKernel(RELU6_ACTIVATION);
