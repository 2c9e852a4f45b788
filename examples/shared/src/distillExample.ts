import { join } from 'node:path';
import { distillAndEvaluate, type RunConfig } from '@kd/distill';
import type { ExampleFlags } from './exampleFlags.js';
import { paperRecipe } from './paperRecipe.js';

export interface DistillExampleOptions {
  readonly flags: ExampleFlags;
  /** The teacher's and the student's presets, e.g. `voc07-vgg16-teacher`, `voc07-vgg16-to-alexnet`. */
  readonly presets: readonly [teacher: string, student: string];
  /** Without the data: the bundled photos in the presets' format (`bundledPhotos.voc`…). */
  readonly photos: RunConfig['dataset'];
  /** Without the data: why, and how to get it (printed to stderr before the smoke run). */
  readonly missing: string;
  /** The headings of the two printed tables, e.g. `teacher (VGG16)`. */
  readonly labels: { readonly teacher: string; readonly student: string };
}

/**
 * The distill-voc / -coco / -kitti program: the paper's recipe on the data at `flags.root` (or,
 * without it, scaled down on the bundled photos: `paperRecipe`), then `distillAndEvaluate` — the
 * teacher unless `--teacher` gives one, the student distilled from it, both scored, each
 * evaluator's table printed under `== label ==`. Layout of `flags.out`: runs `teacher/`, `student/`,
 * results `results-teacher/`, `results-distilled/`.
 */
export async function distillExample(o: DistillExampleOptions): Promise<void> {
  const { out } = o.flags;
  const { teacher, student } = paperRecipe({ ...o, root: o.flags.root, steps: o.flags.steps });
  const teacherResults = join(out, 'results-teacher');
  await distillAndEvaluate({
    teacher:
      o.flags.teacher === undefined
        ? { config: teacher, runDir: join(out, 'teacher'), resultsDir: teacherResults }
        : { checkpoint: o.flags.teacher, resultsDir: teacherResults },
    student: {
      config: student,
      runDir: join(out, 'student'),
      resultsDir: join(out, 'results-distilled'),
    },
    hooks: (role) => ({ onLog: (line) => process.stderr.write(`${role}: ${line}\n`) }),
    onEvaluated: (role, r) =>
      process.stdout.write(
        `\n== ${role === 'teacher' ? o.labels.teacher : o.labels.student} ==\n${r.text}\n`,
      ),
  });
}
