import * as tf from '@tensorflow/tfjs-core';
import type { LossTerm } from './lossTerm.js';
import { asSchedule, type Schedule } from './schedule.js';

/** A term with its weight (a number or a schedule over steps). */
export interface WeightedTerm<Ctx> {
  readonly term: LossTerm<Ctx>;
  readonly weight: Schedule | number;
}

/**
 * What a stack returns for one step.
 * - `total`: `Σ weight_k(step) · component_k`, a scalar (the thing to minimise).
 * - `components`: every evaluated term's **unweighted** scalar by key, for logging. Terms whose
 *   weight is 0 at this step are not evaluated and have no entry.
 * - `weights`: every key's weight at this step (including zero weights).
 * All tensors are new and owned by the caller: dispose `total` and each component (e.g.
 * `tf.dispose([r.total, r.components])`), or evaluate inside `tf.tidy`.
 */
export interface LossStackResult {
  readonly total: tf.Scalar;
  readonly components: Readonly<Record<string, tf.Scalar>>;
  readonly weights: Readonly<Record<string, number>>;
}

/** Weighted sum of named loss terms: the objective as a value. Build with `lossStack`. */
export interface LossStack<Ctx> {
  readonly terms: readonly WeightedTerm<Ctx>[];
  /** All component keys, in term order. */
  readonly keys: readonly string[];
  readonly weightsAt: (step: number) => Readonly<Record<string, number>>;
  /** Evaluates the objective at training step `step` (default 0). Differentiable. */
  readonly evaluate: (ctx: Ctx, step?: number) => LossStackResult;
  /** One line per term: `key weight description`. */
  readonly describe: () => string;
}

/**
 * Combines weighted terms into one objective. Keys must be unique across terms (checked here, so a
 * clash fails at construction, not mid-training).
 * @example
 * const stack = lossStack<DistillContext>([
 *   ...paperObjective().terms,
 *   { term: lossTerm('feat_l1', myLoss), weight: cosineWarmup({ to: 0.1, warmupSteps: 500 }) },
 * ]);
 */
export function lossStack<Ctx>(terms: readonly WeightedTerm<Ctx>[]): LossStack<Ctx> {
  const keys: string[] = [];
  for (const { term } of terms) {
    if (term.keys.length === 0) throw new Error('lossStack: a term declares no keys');
    for (const k of term.keys) {
      if (keys.includes(k)) throw new Error(`lossStack: key '${k}' is produced by two terms`);
      keys.push(k);
    }
  }
  const schedules = terms.map((t) => asSchedule(t.weight));
  const weightsAt = (step: number): Record<string, number> => {
    const w: Record<string, number> = {};
    terms.forEach((t, i) => {
      const v = schedules[i]!.at(step);
      for (const k of t.term.keys) w[k] = v;
    });
    return w;
  };
  const evaluate = (ctx: Ctx, step = 0): LossStackResult => {
    const weights = weightsAt(step);
    const components: Record<string, tf.Scalar> = {};
    try {
      terms.forEach((t, i) => {
        const w = schedules[i]!.at(step);
        if (w === 0) return;
        const out = t.term.compute(ctx);
        const got = Object.keys(out);
        for (const k of got) components[k] = out[k]!;
        const missing = t.term.keys.filter((k) => !(k in out));
        const extra = got.filter((k) => !t.term.keys.includes(k));
        if (missing.length > 0 || extra.length > 0) {
          throw new Error(
            `lossStack: term declared keys [${t.term.keys.join(', ')}] but returned [${got.join(', ')}]`,
          );
        }
        for (const k of got) {
          if (out[k]!.rank !== 0) {
            throw new Error(
              `lossStack: term '${k}' returned shape [${out[k]!.shape}], not a scalar`,
            );
          }
        }
      });
    } catch (e) {
      tf.dispose(components);
      throw e;
    }
    const total = tf.tidy(() => {
      let acc: tf.Scalar = tf.scalar(0);
      for (const [k, c] of Object.entries(components)) acc = tf.add(acc, tf.mul(c, weights[k]!));
      return acc;
    });
    return { total, components, weights };
  };
  const describe = () =>
    terms
      .map(
        (t, i) =>
          `${t.term.keys.join('+')}  ×${schedules[i]!.describe}  ${t.term.description ?? ''}`,
      )
      .join('\n');
  return { terms, keys, weightsAt, evaluate, describe };
}
