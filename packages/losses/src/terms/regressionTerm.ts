import * as tf from '@tensorflow/tfjs-core';
import { boxRegressionLoss } from '../boxRegressionLoss.js';
import type { DetectionContext } from '../distillContext.js';
import type { Normalization } from '../normalization.js';
import type { SmoothL1Options } from '../smoothL1.js';
import type { LossTerm } from '../stack/lossTerm.js';
import { deltas4, type Head, labelsOf, targetsOf } from './headParts.js';

/** py-faster-rcnn's smooth-L1 σ per head: 3 for the RPN (β = 1/9), 1 for the RCN (β = 1). */
export const defaultSmoothL1 = (head: Head): SmoothL1Options => ({ sigma: head === 'rpn' ? 3 : 1 });

/** The detector's smooth-L1 box loss over foreground rows, key `rpn_reg` or `rcn_reg`. */
export function regressionTerm(
  head: Head,
  options: { readonly smoothL1?: SmoothL1Options; readonly normalization?: Normalization } = {},
): LossTerm<DetectionContext> {
  const key = `${head}_reg`;
  const sl1 = options.smoothL1 ?? defaultSmoothL1(head);
  return {
    keys: [key],
    description: `smoothL1(${head}, ${JSON.stringify(sl1)})`,
    compute: ({ student, targets }) => {
      const labels = labelsOf(targets, head);
      const value = tf.tidy(() =>
        boxRegressionLoss(deltas4(student, head, labels), targetsOf(targets, head), labels, {
          smoothL1: sl1,
          normalization: options.normalization ?? 'sampled',
        }),
      );
      return { [key]: value };
    },
  };
}
