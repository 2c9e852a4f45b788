import * as tf from '@tensorflow/tfjs-core';
import { maskedGradient, registerMaskedActivation } from './maskedActivation.js';
import { RELU_ACTIVATION } from './reluGradKernels.js';

/** kd's ReLU kernel: the backend's own `Relu` forward, with kd's gradient. */
export const KD_RELU = RELU_ACTIVATION.kernelName;
/** Its gradient kernel: `dy` where `x > 0`, else 0 (TensorFlow's `ReluGrad`). */
export const KD_RELU_GRAD = RELU_ACTIVATION.gradKernelName;

/**
 * The gradient registered for {@link KD_RELU}: one {@link KD_RELU_GRAD} kernel. Exported so that a
 * benchmark can put it back after comparing against tfjs-core's composite.
 */
export const reluGradient: tf.GradConfig = maskedGradient(RELU_ACTIVATION);

/**
 * Registers {@link KD_RELU} and {@link KD_RELU_GRAD} for `backendName` (TensorFlow's `ReluGrad` op
 * on `tensorflow`, one JavaScript loop on `cpu`, tfjs-core's gradient inside the kernel on `wasm`,
 * a composite of public ops elsewhere)
 * and the gradient that joins them. Idempotent; returns the kernels registered by this call.
 * `tf.relu` keeps tfjs's behaviour for code outside kd in the same process.
 */
export function registerReluKernels(backendName: string): string[] {
  return registerMaskedActivation(RELU_ACTIVATION, reluGradient, backendName);
}

/**
 * `max(x, 0)` elementwise (float32, any shape) — the backend's `Relu` kernel — whose gradient is
 * one fused kernel: `dy` where `x > 0`, else 0 (tfjs-core's `tf.relu` runs `Step` and `Multiply`
 * for it, ~7 TensorFlow ops natively). The same gradient as tfjs-core's up to the sign of zeros.
 * Registers its kernels for the active backend on first use, so it also runs on backends kd did
 * not initialise (a browser's webgl).
 */
export function relu<T extends tf.Tensor>(x: T): T {
  registerReluKernels(tf.getBackend());
  return tf.engine().runKernel(KD_RELU, { x }) as T;
}
