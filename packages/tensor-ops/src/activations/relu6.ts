import * as tf from '@tensorflow/tfjs-core';
import { RELU6_GRAD_KERNELS, relu6GradCompositeKernel } from './relu6GradKernels.js';

/** kd's ReLU6 kernel: the backend's own `Relu6` forward, with kd's gradient. */
export const KD_RELU6 = 'KdRelu6';
/** Its gradient kernel: `dy` where `0 < x < 6`, else 0 (TensorFlow's `Relu6Grad`). */
export const KD_RELU6_GRAD = 'KdRelu6Grad';

/**
 * The gradient registered for {@link KD_RELU6}: one {@link KD_RELU6_GRAD} kernel. Exported so that
 * a benchmark can put it back after comparing against tfjs-core's composite.
 */
export const relu6Gradient: tf.GradConfig = {
  kernelName: KD_RELU6,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    return {
      x: () => tf.engine().runKernel(KD_RELU6_GRAD, { dy: dy as tf.Tensor, x }) as tf.Tensor,
    };
  },
};

/**
 * Registers {@link KD_RELU6} and {@link KD_RELU6_GRAD} for `backendName` (TensorFlow's `Relu6Grad`
 * op on `tensorflow`, one JavaScript loop on `cpu` and `wasm`, a composite of public ops
 * elsewhere) and the gradient that joins them. Idempotent; returns the kernels registered by this
 * call. Under their own names rather than as tfjs's `Relu6` gradient, so that `tf.relu6` keeps
 * tfjs's behaviour for code outside kd in the same process.
 */
export function registerRelu6Kernels(backendName: string): string[] {
  const added: string[] = [];
  if (tf.getGradient(KD_RELU6) === undefined) tf.registerGradient(relu6Gradient);
  if (tf.getKernel(KD_RELU6, backendName) === undefined) {
    const forward = tf.getKernel('Relu6', backendName);
    if (forward === undefined)
      throw new Error(`relu6: backend '${backendName}' has no Relu6 kernel to run kd's relu6 on`);
    // The whole config: a wasm kernel's setup (binding its wasm function) runs on backend start.
    tf.registerKernel({ ...forward, kernelName: KD_RELU6 });
    added.push(KD_RELU6);
  }
  if (tf.getKernel(KD_RELU6_GRAD, backendName) === undefined) {
    tf.registerKernel({
      kernelName: KD_RELU6_GRAD,
      backendName,
      kernelFunc: RELU6_GRAD_KERNELS[backendName] ?? relu6GradCompositeKernel,
    });
    added.push(KD_RELU6_GRAD);
  }
  return added;
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
