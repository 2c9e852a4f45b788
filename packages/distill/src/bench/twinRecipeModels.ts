import type * as tf from '@tensorflow/tfjs-core';
import { distillVariables } from '../distillGradients.js';
import type { benchImages } from './benchImages.js';
import { type RecipeModels, recipeModels } from './recipeModels.js';

/**
 * Two copies of a recipe's models whose trained variables (the student's and the adaptation's,
 * `distillVariables`) start equal, for benchmarks that compare two ways of taking the same steps.
 */
export async function twinRecipeModels(
  name: string,
  data: Awaited<ReturnType<typeof benchImages>>,
  options: { readonly compileTeacher?: boolean } = {},
): Promise<{ sides: [RecipeModels, RecipeModels]; vars: [tf.Variable[], tf.Variable[]] }> {
  const a = await recipeModels(name, data.dataset.classNames, data.dataset.train[0]!, options);
  const b = await recipeModels(name, data.dataset.classNames, data.dataset.train[0]!, options);
  const vars: [tf.Variable[], tf.Variable[]] = [
    distillVariables(a.student, a.distillation),
    distillVariables(b.student, b.distillation),
  ];
  vars[0].forEach((v, i) => vars[1][i]!.assign(v));
  return { sides: [a, b], vars };
}
