import * as tf from '@tensorflow/tfjs-core';
import { KD_RELU6, relu6Gradient } from '../activations/relu6.js';

/**
 * Chooses the gradient of kd's `relu6` for an A/B benchmark: `'kd'` (the fused kernel, the
 * default) or `'tfjs'` (tfjs-core's own `Relu6` gradient, the composite `tf.relu6` runs —
 * the very function tfjs registered, not a copy). Process-wide until called again.
 */
export function useRelu6Gradient(which: 'kd' | 'tfjs'): void {
  if (which === 'kd') {
    tf.registerGradient(relu6Gradient);
    return;
  }
  const tfjs = tf.getGradient('Relu6');
  if (tfjs === undefined)
    throw new Error(
      "useRelu6Gradient: tfjs's Relu6 gradient is not registered (import tfjs-layers)",
    );
  tf.registerGradient({ ...tfjs, kernelName: KD_RELU6 });
}
