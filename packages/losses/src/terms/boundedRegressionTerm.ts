import * as tf from '@tensorflow/tfjs-core';
import { boundedRegressionLoss } from '../boundedRegressionLoss.js';
import type { DistillContext } from '../distillContext.js';
import type { Normalization } from '../normalization.js';
import type { LossTerm } from '../stack/lossTerm.js';
import { teacherL2Loss } from '../teacherL2Loss.js';
import { deltas4, type Head, labelsOf, targetsOf } from './headParts.js';

/** Teacher-bounded regression `L_b` on foreground rows, key `rpn_kd_reg` / `rcn_kd_reg`. */
export function boundedRegressionTerm(
  head: Head,
  options: { readonly margin?: number; readonly normalization?: Normalization } = {},
): LossTerm<DistillContext> {
  const key = `${head}_kd_reg`;
  return {
    keys: [key],
    description: `boundedL2(${head}, m=${options.margin ?? 0}, norm=${JSON.stringify(options.normalization ?? 'sampled')})`,
    compute: ({ student, teacher, targets }) => {
      const labels = labelsOf(targets, head);
      const value = tf.tidy(() =>
        boundedRegressionLoss(
          deltas4(student, head, labels),
          deltas4(teacher, head, labels),
          targetsOf(targets, head),
          labels,
          options,
        ),
      );
      return { [key]: value };
    },
  };
}

/** Plain L2 to the teacher's deltas on foreground rows (ablation "L2"), key `rpn_kd_l2` / `rcn_kd_l2`. */
export function teacherL2Term(
  head: Head,
  options: { readonly normalization?: Normalization } = {},
): LossTerm<DistillContext> {
  const key = `${head}_kd_l2`;
  return {
    keys: [key],
    description: `teacherL2(${head})`,
    compute: ({ student, teacher, targets }) => {
      const labels = labelsOf(targets, head);
      const value = tf.tidy(() =>
        teacherL2Loss(
          deltas4(student, head, labels),
          deltas4(teacher, head, labels),
          labels,
          options,
        ),
      );
      return { [key]: value };
    },
  };
}
