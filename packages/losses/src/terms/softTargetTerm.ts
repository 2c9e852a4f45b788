import * as tf from '@tensorflow/tfjs-core';
import { classColumnWeights } from '../classColumnWeights.js';
import type { DistillContext } from '../distillContext.js';
import type { Normalization } from '../normalization.js';
import { softCrossEntropy } from '../softCrossEntropy.js';
import type { LossTerm } from '../stack/lossTerm.js';
import { type Head, labelsOf, logits2d } from './headParts.js';

export interface SoftTargetTermOptions {
  readonly temperature?: number;
  /** `'paper'` (default): background column 1.5, others 1; `'uniform'`: all 1; or explicit weights. */
  readonly classWeights?: 'paper' | 'uniform' | readonly number[];
  /** Background column weight for `'paper'` weights. Default 1.5. */
  readonly backgroundWeight?: number;
  readonly scaleByTemperatureSquared?: boolean;
  readonly normalization?: Normalization;
}

/** Soft cross-entropy to the teacher's posteriors on the same rows, key `rpn_kd_cls` / `rcn_kd_cls`. */
export function softTargetTerm(
  head: Head,
  options: SoftTargetTermOptions = {},
): LossTerm<DistillContext> {
  const key = `${head}_kd_cls`;
  const mode = options.classWeights ?? 'paper';
  const t = options.temperature ?? 1;
  return {
    keys: [key],
    description:
      `softCrossEntropy(${head}, T=${t}, weights=${Array.isArray(mode) ? `[${mode.join(',')}]` : mode}` +
      `${options.scaleByTemperatureSquared === true ? ', ×T²' : ''})`,
    compute: ({ student, teacher, targets }) => {
      const value = tf.tidy(() => {
        const s = logits2d(student, head);
        const tl = logits2d(teacher, head);
        const columns = s.shape[1];
        const classWeights =
          mode === 'uniform'
            ? undefined
            : mode === 'paper'
              ? classColumnWeights(columns, { background: options.backgroundWeight ?? 1.5 })
              : (mode as readonly number[]);
        return softCrossEntropy(s, tl, {
          temperature: t,
          classWeights,
          scaleByTemperatureSquared: options.scaleByTemperatureSquared ?? false,
          labels: labelsOf(targets, head),
          normalization: options.normalization ?? 'sampled',
        });
      });
      return { [key]: value };
    },
  };
}
