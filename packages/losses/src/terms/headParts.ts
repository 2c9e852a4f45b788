import * as tf from '@tensorflow/tfjs-core';
import type { DetectionTargets, HeadOutputs } from '../distillContext.js';
import type { Labels } from '../labels.js';
import { selectClassDeltas } from '../selectClassDeltas.js';
import { twoClassLogits } from '../sigmoidCrossEntropy.js';

/** Which detector stage a term reads: the RPN (anchors, M rows) or the RCN (RoIs, N rows). */
export type Head = 'rpn' | 'rcn';

/** A head's classification logits as `[K, C]` (sigmoid RPN logits become `[0, x]`). Caller disposes. */
export function logits2d(out: HeadOutputs, head: Head): tf.Tensor2D {
  const z = head === 'rpn' ? out.rpnLogits : out.rcnLogits;
  return z.rank === 1 ? twoClassLogits(z as tf.Tensor1D) : (tf.clone(z) as tf.Tensor2D);
}

/** A head's `[K, 4]` deltas (RCN class-specific deltas selected by label). Caller disposes. */
export function deltas4(out: HeadOutputs, head: Head, labels: Labels): tf.Tensor2D {
  return head === 'rpn' ? tf.clone(out.rpnDeltas) : selectClassDeltas(out.rcnDeltas, labels);
}

export function labelsOf(t: DetectionTargets, head: Head): Labels {
  return head === 'rpn' ? t.rpnLabels : t.rcnLabels;
}

export function targetsOf(t: DetectionTargets, head: Head): tf.Tensor2D {
  return head === 'rpn' ? t.rpnTargets : t.rcnTargets;
}
