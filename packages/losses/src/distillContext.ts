import type * as tf from '@tensorflow/tfjs-core';
import type { Labels } from './labels.js';

/**
 * One detector's head outputs for one training batch, rows in sampling order.
 * M = sampled-anchor rows (all images of the batch concatenated), N = RoI rows, C = object classes.
 */
export interface HeadOutputs {
  /** RPN objectness: `[M, 2]` softmax logits (column 0 = background) or `[M]` sigmoid logits. */
  readonly rpnLogits: tf.Tensor1D | tf.Tensor2D;
  /** `[M, 4]` RPN box deltas (dx, dy, dw, dh) of the same anchors. */
  readonly rpnDeltas: tf.Tensor2D;
  /** `[N, C+1]` RCN class logits (column 0 = background). */
  readonly rcnLogits: tf.Tensor2D;
  /**
   * RCN box deltas: `[N, 4]` already selected for each RoI's ground-truth class, or the raw
   * class-specific `[N, 4·(C+1)]` (selected here with `targets.rcnLabels`).
   */
  readonly rcnDeltas: tf.Tensor2D;
  /** Hint / guided layer features, NHWC `[B, H, W, C]` (or `[B, D]` for fc hints). */
  readonly features?: tf.Tensor;
}

/** The student's outputs: the teacher's fields plus the guided features after adaptation. */
export interface StudentOutputs extends HeadOutputs {
  /** V: `features` after the adaptation layer, same shape as the teacher's `features` (Z). */
  readonly adaptedFeatures?: tf.Tensor;
}

/** Training targets of the sampled rows (from anchor / proposal target assignment). */
export interface DetectionTargets {
  /** `[M]`: 1 object, 0 background, −1 not sampled. */
  readonly rpnLabels: Labels;
  /** `[M, 4]` encoded ground-truth deltas (meaningful on positives only). */
  readonly rpnTargets: tf.Tensor2D;
  /** `[N]`: class 1 … C, 0 background, −1 not sampled. */
  readonly rcnLabels: Labels;
  /** `[N, 4]` encoded ground-truth deltas of each RoI's ground-truth box. */
  readonly rcnTargets: tf.Tensor2D;
  /** Optional weights over hint positions, `[B, H, W]` of the teacher's hint map. */
  readonly hintMask?: tf.Tensor;
}

/** What plain Faster R-CNN losses read. */
export interface DetectionContext {
  readonly student: StudentOutputs;
  readonly targets: DetectionTargets;
}

/**
 * What distillation losses read. Teacher rows must be the student's rows: the teacher's RCN runs
 * on the student's sampled RoIs, and its RPN on the same anchors. Teacher tensors are treated as
 * constants (every loss detaches them). Nobody here disposes the context's tensors: its builder does.
 */
export interface DistillContext extends DetectionContext {
  readonly teacher: HeadOutputs;
}
