import type { DistillContext } from '../distillContext.js';
import { type HintReduction, hintLoss } from '../hintLoss.js';
import type { LossTerm } from '../stack/lossTerm.js';

export interface HintTermOptions {
  /**
   * `'adapted'` (default, "Hints-A"): compare `student.adaptedFeatures` (V) with the teacher's
   * `features` (Z). `'raw'` ("Hints"): compare the student's own `features`, which must then already
   * have the teacher's shape.
   */
  readonly source?: 'adapted' | 'raw';
  readonly distance?: 'l2' | 'l1';
  readonly reduction?: HintReduction;
  /** Use `targets.hintMask` when present. Default true. */
  readonly useMask?: boolean;
}

/** Hint loss between student guided and teacher hint features, key `hint`. */
export function hintTerm(options: HintTermOptions = {}): LossTerm<DistillContext> {
  const source = options.source ?? 'adapted';
  return {
    keys: ['hint'],
    description: `hint(${source}, ${options.distance ?? 'l2'}, ${options.reduction ?? 'mean'})`,
    compute: ({ student, teacher, targets }) => {
      const v = source === 'adapted' ? student.adaptedFeatures : student.features;
      if (v === undefined) {
        throw new Error(
          `hint term: student.${source === 'adapted' ? 'adaptedFeatures' : 'features'} is missing from the context`,
        );
      }
      if (teacher.features === undefined) {
        throw new Error('hint term: teacher.features is missing from the context');
      }
      const mask = options.useMask === false ? undefined : targets.hintMask;
      return {
        hint: hintLoss(v, teacher.features, {
          distance: options.distance ?? 'l2',
          reduction: options.reduction ?? 'mean',
          ...(mask === undefined ? {} : { mask }),
        }),
      };
    },
  };
}
