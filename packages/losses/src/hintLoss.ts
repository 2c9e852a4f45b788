import * as tf from '@tensorflow/tfjs-core';
import { expectSameShape } from './internal/shapes.js';
import { stopGradient } from './stopGradient.js';

/**
 * How the summed hint distance is divided:
 * - `'mean'` (default): by the number of compared elements (masked positions × channels), i.e.
 *   PyTorch `F.mse_loss` / `F.l1_loss` with `reduction='mean'` when there is no mask. Keeps γ
 *   meaningful whatever the feature map size.
 * - `'sum'`: no division: the paper's literal `‖V − Z‖²` (grows with the map size).
 * - `'perImage'`: by the batch size B (a per-image `‖V − Z‖²`, as FitNets-style code does).
 */
export type HintReduction = 'mean' | 'sum' | 'perImage';

export interface HintLossOptions {
  /** `'l2'` (default): squared error `‖V − Z‖²`; `'l1'`: absolute error `‖V − Z‖₁`. */
  readonly distance?: 'l2' | 'l1';
  readonly reduction?: HintReduction;
  /**
   * Optional 0/1 (or soft) weights over positions: shape `[B, H, W]`, `[B, H, W, 1]` or the full
   * feature shape. For `'mean'`, the divisor becomes (Σ mask) × channels (× 1 for a full mask).
   */
  readonly mask?: tf.Tensor;
}

/**
 * Hint loss between the student's guided features V (after adaptation) and the teacher's hint
 * features Z. Also the paper's "Hints" ablation when V is the raw student feature map of the same
 * shape (no adaptation layer).
 * @param student `[B, H, W, C]` NHWC features V (or `[B, D]` for fc hints). Differentiable.
 * @param teacher same shape, Z; detached.
 * @returns scalar; the caller disposes it. An all-zero mask gives 0.
 */
export function hintLoss(
  student: tf.Tensor,
  teacher: tf.Tensor,
  options: HintLossOptions = {},
): tf.Scalar {
  expectSameShape('hintLoss student', student, 'teacher', teacher);
  if (student.rank < 2) {
    throw new Error(
      `hintLoss: features need a batch axis, got shape [${student.shape.join(', ')}]`,
    );
  }
  const reduction = options.reduction ?? 'mean';
  const mask = options.mask;
  const channels = student.shape[student.rank - 1] ?? 1;
  let maskShape: number[] | undefined;
  if (mask !== undefined) {
    const positions = student.shape.slice(0, -1);
    const same = (s: readonly number[]) =>
      s.length === mask.rank && s.every((d, i) => d === mask.shape[i]);
    if (same(student.shape)) maskShape = [...student.shape];
    else if (same(positions)) maskShape = [...positions, 1];
    else if (same([...positions, 1])) maskShape = [...positions, 1];
    else {
      throw new Error(
        `hintLoss: mask [${mask.shape.join(', ')}] must be [${positions.join(', ')}], ` +
          `[${[...positions, 1].join(', ')}] or [${student.shape.join(', ')}]`,
      );
    }
  }
  return tf.tidy(() => {
    const diff = tf.sub(student, stopGradient(teacher));
    let dist = options.distance === 'l1' ? tf.abs(diff) : tf.square(diff);
    let count: tf.Scalar | number = student.size;
    if (mask !== undefined && maskShape !== undefined) {
      const m = tf.reshape(stopGradient(mask), maskShape);
      dist = tf.mul(dist, m);
      const perElement = maskShape[maskShape.length - 1] === 1 ? channels : 1;
      count = tf.maximum(tf.mul(tf.sum(m), perElement), 1e-12) as tf.Scalar;
    }
    const total = tf.sum(dist);
    if (reduction === 'sum') return total as tf.Scalar;
    if (reduction === 'perImage') return tf.div(total, student.shape[0] ?? 1) as tf.Scalar;
    return tf.div(total, count) as tf.Scalar;
  });
}
