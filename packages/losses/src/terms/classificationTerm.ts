import type * as tf from '@tensorflow/tfjs-core';
import type { DetectionContext } from '../distillContext.js';
import type { Normalization } from '../normalization.js';
import { sigmoidCrossEntropy } from '../sigmoidCrossEntropy.js';
import { softmaxCrossEntropy } from '../softmaxCrossEntropy.js';
import type { LossTerm } from '../stack/lossTerm.js';
import { type Head, labelsOf } from './headParts.js';

/**
 * The detector's own (hard-label) classification loss, key `rpn_cls` or `rcn_cls`: softmax CE for
 * `[K, C]` logits, sigmoid BCE for `[M]` RPN logits; normalised by the sampled rows by default.
 */
export function classificationTerm(
  head: Head,
  options: { readonly normalization?: Normalization } = {},
): LossTerm<DetectionContext> {
  const key = `${head}_cls`;
  return {
    keys: [key],
    description: `crossEntropy(${head}, norm=${JSON.stringify(options.normalization ?? 'sampled')})`,
    compute: ({ student, targets }) => {
      const z = head === 'rpn' ? student.rpnLogits : student.rcnLogits;
      const labels = labelsOf(targets, head);
      const value =
        z.rank === 1
          ? sigmoidCrossEntropy(z as tf.Tensor1D, labels, options)
          : softmaxCrossEntropy(z as tf.Tensor2D, labels, options);
      return { [key]: value };
    },
  };
}
