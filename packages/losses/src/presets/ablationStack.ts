import type { DistillContext } from '../distillContext.js';
import { type LossStack, lossStack } from '../stack/lossStack.js';
import { asSchedule, product } from '../stack/schedule.js';
import { teacherL2Term } from '../terms/boundedRegressionTerm.js';
import {
  boundTerms,
  checkOptions,
  detectionTerms,
  hintEntry,
  type PaperObjectiveOptions,
  paperObjective,
  softTerms,
} from './paperObjective.js';

/**
 * Rows of the paper's ablation (VGG16 → Tucker student), each the detector loss plus one
 * distillation component, so that pairs isolate one design choice:
 * - `baseline`: plain Faster R-CNN (μ = 1, no teacher);
 * - `CLS`: μ·hard + (1−μ)·unweighted soft CE on both heads;  `CLS-W`: the same, class-weighted (w_bg);
 * - `L2`: + λ·ν·plain L2 to the teacher's deltas;  `L2-B`: + λ·ν·teacher-bounded L_b;
 * - `Hints`: + γ·hint on the raw student features (no adaptation; shapes must match);
 *   `Hints-A`: + γ·hint on the adapted features;
 * - `full`: the paper objective (`paperObjective`).
 */
export type AblationRow =
  | 'baseline'
  | 'CLS'
  | 'CLS-W'
  | 'L2'
  | 'L2-B'
  | 'Hints'
  | 'Hints-A'
  | 'full';

export const ablationRows: readonly AblationRow[] = [
  'baseline',
  'CLS',
  'CLS-W',
  'L2',
  'L2-B',
  'Hints',
  'Hints-A',
  'full',
];

/** The loss stack of one ablation row; `options` as `paperObjective` (unused knobs are ignored). */
export function ablationStack(
  row: AblationRow,
  options: PaperObjectiveOptions = {},
): LossStack<DistillContext> {
  checkOptions(options);
  switch (row) {
    case 'baseline':
      return lossStack<DistillContext>(detectionTerms(options, 1));
    case 'CLS':
    case 'CLS-W':
      return lossStack<DistillContext>([
        ...detectionTerms(options, options.mu ?? 0.5),
        ...softTerms(options, row === 'CLS' ? 'uniform' : 'paper'),
      ]);
    case 'L2': {
      const w = product(
        options.lambda ?? 1,
        options.nu ?? 0.5,
        asSchedule(options.distillWeight ?? 1),
      );
      return lossStack<DistillContext>([
        ...detectionTerms(options, 1),
        { term: teacherL2Term('rpn'), weight: w },
        { term: teacherL2Term('rcn'), weight: w },
      ]);
    }
    case 'L2-B':
      return lossStack<DistillContext>([...detectionTerms(options, 1), ...boundTerms(options)]);
    case 'Hints':
    case 'Hints-A':
      return lossStack<DistillContext>([
        ...detectionTerms(options, 1),
        hintEntry(options, row === 'Hints' ? 'raw' : 'adapted'),
      ]);
    case 'full':
      return paperObjective(options);
  }
}
