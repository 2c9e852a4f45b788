import type * as tf from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-core';
import { nonDifferentiable } from './internal/nonDifferentiable.js';

/**
 * Identity in the forward pass, zero gradient in the backward pass (PyTorch's `detach()`).
 *
 * Teacher outputs go through this before they enter a loss, so no gradient reaches the teacher
 * even when its forward pass ran inside the student's gradient tape.
 *
 * @param x any tensor; not disposed.
 * @returns a new tensor with the same values; the caller disposes it. Not differentiable.
 * @example
 * const t = stopGradient(teacherLogits); // use t as a constant target
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return nonDifferentiable([x], (v) => tfc.clone(v as T)) as T;
}
