import * as tf from '@tensorflow/tfjs-core';
import { maskedGradient, registerMaskedActivation } from './maskedActivation.js';
import { RELU6_ACTIVATION } from './relu6GradKernels.js';

/** kd's ReLU6 kernel: the backend's own `Relu6` forward, with kd's gradient. */
export const KD_RELU6 = RELU6_ACTIVATION.kernelName;
/** Its gradient kernel: `dy` where `0 < x < 6`, else 0 (TensorFlow's `Relu6Grad`). */
export const KD_RELU6_GRAD = RELU6_ACTIVATION.gradKernelName;

/**
 * The gradient registered for {@link KD_RELU6}: one {@link KD_RELU6_GRAD} kernel. Exported so that
 * a benchmark can put it back after comparing against tfjs-core's composite.
 */
export const relu6Gradient: tf.GradConfig = maskedGradient(RELU6_ACTIVATION);

/**
 * Registers {@link KD_RELU6} and {@link KD_RELU6_GRAD} for `backendName` (TensorFlow's `Relu6Grad`
 * op on `tensorflow`, one JavaScript loop on `cpu` and `wasm`, a composite of public ops
 * elsewhere) and the gradient that joins them. Idempotent; returns the kernels registered by this
 * call. Under their own names rather than as tfjs's `Relu6` gradient, so that `tf.relu6` keeps
 * tfjs's behaviour for code outside kd in the same process.
 */
export function registerRelu6Kernels(backendName: string): string[] {
  return registerMaskedActivation(RELU6_ACTIVATION, relu6Gradient, backendName);
}

/**
 * `min(max(x, 0), 6)` elementwise (float32, any shape), differentiated as TensorFlow and PyTorch
 * do: the gradient passes where `0 < x < 6`, through one fused kernel (tfjs-core's `tf.relu6`
 * runs five elementwise kernels for its gradient, ~10 TensorFlow ops natively, and passes the
 * gradient at x = 6 too). Registers its kernels for the active backend on first use, so it also
 * runs on backends kd did not initialise (a browser's webgl).
 */
export function relu6<T extends tf.Tensor>(x: T): T {
  registerRelu6Kernels(tf.getBackend());
  return tf.engine().runKernel(KD_RELU6, { x }) as T;
}
