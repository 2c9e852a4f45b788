import { useActivationGradient } from './useActivationGradient.js';

/** {@link useActivationGradient} for `relu6`: `'kd'` (the default) or `'tfjs'`. */
export function useRelu6Gradient(which: 'kd' | 'tfjs'): void {
  useActivationGradient('relu6', which);
}
