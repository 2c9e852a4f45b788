import { join } from 'node:path';
import { latestCheckpoint } from '@kd/faster-rcnn';
import type { RunConfig } from './runConfig.js';
import { runTraining, type TrainingOptions } from './runTraining.js';

/** One stage of a recipe trained in stages: its config and the rest of its `runTraining` call. */
export type TrainingStage = TrainingOptions & { readonly config: RunConfig };

/**
 * Trains a recipe given in stages, e.g. the demo's teacher: `shapes-teacher-pretrained` at 128 px,
 * then `shapes-teacher-pretrained-160` fine-tuning it at 160 px. Every stage after the first starts
 * from the checkpoint the stage before it ended with: its `model.init` is replaced by that folder
 * (a preset can only name where its first stage's run usually lives). Each stage runs in its own
 * `runDir`, so a second call resumes the stage that was interrupted and skips the finished ones.
 *
 * @returns the last stage's final checkpoint folder, or `undefined` when a stage was stopped
 *   (`signal`, `stopAfterSteps`) before its last step; the trained models are freed.
 */
export async function trainStages(stages: readonly TrainingStage[]): Promise<string | undefined> {
  if (stages.length === 0) throw new Error('trainStages: no stages given');
  let previous: string | undefined;
  for (const stage of stages) {
    const config =
      previous === undefined
        ? stage.config
        : { ...stage.config, model: { ...stage.config.model, init: previous } };
    const r = await runTraining({ ...stage, config });
    r.model.dispose();
    if (!r.completed) return undefined;
    previous = latestCheckpoint(join(stage.runDir, 'checkpoints'));
    if (previous === undefined)
      throw new Error(`${stage.runDir}: the stage finished without writing a checkpoint`);
  }
  return previous;
}
