import * as tf from '@tensorflow/tfjs-core';
import { KD_RELU, reluGradient } from '../activations/relu.js';
import { KD_RELU6, relu6Gradient } from '../activations/relu6.js';

const ACTIVATIONS = {
  relu: { kd: KD_RELU, gradient: reluGradient, tfjs: 'Relu' },
  relu6: { kd: KD_RELU6, gradient: relu6Gradient, tfjs: 'Relu6' },
} as const;

/**
 * Chooses the gradient of kd's `relu` or `relu6` for an A/B benchmark or test: `'kd'` (the fused
 * kernel, the default) or `'tfjs'` (tfjs-core's own gradient of `Relu` / `Relu6`, the composite
 * `tf.relu` / `tf.relu6` runs — the very function tfjs registered, not a copy). Process-wide until
 * called again.
 */
export function useActivationGradient(activation: 'relu' | 'relu6', which: 'kd' | 'tfjs'): void {
  const a = ACTIVATIONS[activation];
  if (which === 'kd') {
    tf.registerGradient(a.gradient);
    return;
  }
  const tfjs = tf.getGradient(a.tfjs);
  if (tfjs === undefined)
    throw new Error(
      `useActivationGradient: tfjs's ${a.tfjs} gradient is not registered (import tfjs-core)`,
    );
  tf.registerGradient({ ...tfjs, kernelName: a.kd });
}
