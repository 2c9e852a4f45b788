import * as tf from '@tensorflow/tfjs-core';
import type { LossStack, LossStackResult } from './lossStack.js';

/**
 * One backward pass through a stack: builds the context **inside** the gradient tape (the student
 * forward must be taped), evaluates the objective at `step`, and returns the gradients of `total`
 * with respect to `varList` (default: all trainable variables), plus the logged components.
 * Build teacher outputs outside `buildContext` (or with frozen, non-trainable weights).
 * @returns `{ total, components, weights, grads }`; the caller disposes `total`, the components and
 *   the gradients. Every other intermediate is freed.
 */
export function stackGradients<Ctx>(
  stack: LossStack<Ctx>,
  buildContext: () => Ctx,
  step = 0,
  varList?: tf.Variable[],
): LossStackResult & { readonly grads: tf.NamedTensorMap } {
  let kept: LossStackResult | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const r = stack.evaluate(buildContext(), step);
    for (const c of Object.values(r.components)) tf.keep(c);
    kept = r;
    return r.total;
  }, varList);
  if (kept === undefined) throw new Error('stackGradients: the objective was not evaluated');
  return { total: value, components: kept.components, weights: kept.weights, grads };
}
