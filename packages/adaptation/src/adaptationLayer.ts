import type * as tf from '@tensorflow/tfjs-core';

/** Prefix of every adaptation variable's name: lets exporters drop them (`isAdaptationVariable`). */
export const ADAPTATION_VARIABLE_PREFIX = 'kd_adaptation/';

/**
 * A trainable adaptation layer: weights held as tfjs variables, forward as a pure function.
 * Its variables are **not** part of the student: pass `variables()` to the optimiser alongside the
 * student's, and leave them out when exporting the student.
 */
export interface AdaptationLayer {
  readonly kind: 'conv1x1' | 'conv3x3' | 'fc';
  /** Input shape without the batch axis: `[H, W, Cin]` (conv: H and W may be −1 = any) or `[Din]`. */
  readonly inputShape: readonly number[];
  /** Output channels / units. */
  readonly outputChannels: number;
  /** Differentiable forward: `[B, H, W, Cin]` → `[B, H, W, Cout]` or `[B, Din]` → `[B, Dout]`. */
  readonly apply: (x: tf.Tensor) => tf.Tensor;
  readonly variables: () => tf.Variable[];
  readonly dispose: () => void;
  readonly describe: () => string;
}

/** True for variables created by this package (adaptation weights, to exclude from exports). */
export function isAdaptationVariable(v: tf.Variable): boolean {
  return v.name.startsWith(ADAPTATION_VARIABLE_PREFIX);
}

let counter = 0;
/**
 * @internal a unique variable name (tfjs variable names are global, so each layer's name carries
 * a process-wide counter: `kd_adaptation/conv_3/kernel`). Code that matches saved weights to live
 * variables compares {@link adaptationVariableKey}s, which drop the counter.
 */
export function adaptationVariableName(layer: string, what: string): string {
  counter += 1;
  return `${ADAPTATION_VARIABLE_PREFIX}${layer}_${counter}/${what}`;
}

/**
 * An adaptation variable's name without the process-wide counter (`kd_adaptation/conv_3/kernel`
 * → `kd_adaptation/conv/kernel`): the same in every process, whatever was created before. Names
 * not made by this package are returned unchanged.
 */
export function adaptationVariableKey(name: string): string {
  if (!name.startsWith(ADAPTATION_VARIABLE_PREFIX)) return name;
  return name.replace(/_\d+\/([^/]+)$/, '/$1');
}
