import type * as tf from '@tensorflow/tfjs-core';
import { studentTransform } from '../runTraining.js';
import { type StudentTrunk, studentTrunk } from '../studentTrunk.js';
import { makeBatch, prepareSplit } from '../toDetectionBatch.js';
import type { benchImages } from './benchImages.js';
import type { RecipeModels } from './recipeModels.js';

/**
 * What a timed training step of a recipe reads: the batch of the recipe's size, the teacher's own
 * images when it sees another resolution, and `compiled`'s trunk compiled for the student (when
 * given). The caller disposes them with `dispose`.
 */
export async function recipeStepInputs(
  r: RecipeModels,
  data: Awaited<ReturnType<typeof benchImages>>,
  compiled?: RecipeModels,
): Promise<{
  batch: ReturnType<typeof makeBatch>;
  teacherImages: tf.Tensor4D | undefined;
  trunk: StudentTrunk | undefined;
  dispose(): void;
}> {
  const o = r.config.optim;
  const batch = makeBatch(data.split.images.slice(0, o.batchSize));
  const d = r.distillation;
  const teacherImages = d?.teacherTransform
    ? makeBatch(
        (await prepareSplit(data.dataset.train.slice(0, o.batchSize), d.teacherTransform)).images,
      ).images
    : undefined;
  const trunk = compiled
    ? studentTrunk(
        true,
        compiled.student,
        {
          samples: data.dataset.train,
          transform: studentTransform(compiled.config),
          batchSize: o.batchSize,
        },
        compiled.distillation?.studentLayer ? [compiled.distillation.studentLayer] : [],
      )
    : undefined;
  return {
    batch,
    teacherImages,
    trunk,
    dispose() {
      trunk?.compiled?.dispose();
      batch.images.dispose();
      teacherImages?.dispose();
    },
  };
}
