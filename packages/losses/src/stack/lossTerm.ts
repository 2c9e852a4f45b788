import type * as tf from '@tensorflow/tfjs-core';

/**
 * A loss term: maps a typed context to named scalars. `keys` lists the names it returns, fixed at
 * construction, so a stack can check for clashes before training and logs keep stable columns.
 * `compute` returns new tensors that its caller owns (a stack disposes them after weighting).
 */
export interface LossTerm<Ctx> {
  readonly keys: readonly string[];
  readonly compute: (ctx: Ctx) => Readonly<Record<string, tf.Scalar>>;
  /** One line for logs, e.g. `softCrossEntropy(rcn, T=1, w_bg=1.5)`. */
  readonly description?: string;
}

/**
 * A single-key term from any function returning a scalar: the way to add a user-written loss.
 * @example
 * const l1Feat = lossTerm('feat_l1', (ctx: DistillContext) => tf.mean(tf.abs(ctx.student.features!)));
 */
export function lossTerm<Ctx>(
  key: string,
  compute: (ctx: Ctx) => tf.Scalar,
  description?: string,
): LossTerm<Ctx> {
  return {
    keys: [key],
    compute: (ctx) => ({ [key]: compute(ctx) }),
    description: description ?? key,
  };
}
