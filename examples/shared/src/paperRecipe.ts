import { existsSync } from 'node:fs';
import { type RunConfig, requirePreset, scaleDownRecipe } from '@kd/distill';

export interface PaperRecipeOptions {
  /** The teacher's and the student's presets, e.g. `voc07-vgg16-teacher`, `voc07-vgg16-to-alexnet`. */
  readonly presets: readonly [teacher: string, student: string];
  /** The dataset root given on the command line (`--voc`, `VOC_ROOT`…), if any. */
  readonly root: string | undefined;
  /** Without the data: the bundled photos in the presets' format (`bundledPhotos.voc`…). */
  readonly photos: RunConfig['dataset'];
  /** Without the data: training steps of each scaled-down run. */
  readonly steps: number;
  /** Without the data: why, and how to get it (printed to stderr before the smoke run). */
  readonly missing: string;
}

/**
 * The paper's teacher and student recipes on the dataset at `root`; when no root is given or it
 * does not exist, prints `missing` and returns the same recipes scaled down (networks ×0.125 and
 * ×0.25 wide, 128 px) on the bundled photos.
 */
export function paperRecipe(o: PaperRecipeOptions): { teacher: RunConfig; student: RunConfig } {
  const [teacher, student] = o.presets.map(requirePreset) as [RunConfig, RunConfig];
  const root = o.root;
  if (root !== undefined && existsSync(root)) {
    const onRoot = (c: RunConfig): RunConfig => ({ ...c, dataset: { ...c.dataset, root } });
    return { teacher: onRoot(teacher), student: onRoot(student) };
  }
  process.stderr.write(o.missing);
  const budget = { dataset: o.photos, steps: o.steps };
  return {
    teacher: scaleDownRecipe(teacher, { ...budget, widthMultiplier: 0.125 }),
    student: scaleDownRecipe(student, { ...budget, widthMultiplier: 0.25 }),
  };
}
