/**
 * @kd/distill: the teacher–student pipeline of Chen et al. (2017) as a library, between the model
 * packages (faster-rcnn, losses, adaptation, data, eval) and the `kd` command line.
 */
export {
  type CreateDistillationOptions,
  createDistillation,
  type Distillation,
  type DistillConfig,
  objectiveOptions,
} from './createDistillation.js';
export {
  DataParallel,
  type DataParallelOptions,
  type DataParallelStepOptions,
  dataParallelProblem,
  type ReplicatedBatch,
} from './DataParallel.js';
export {
  type DistillAndEvaluateOptions,
  type DistillAndEvaluateResult,
  distillAndEvaluate,
  type EvaluatedRun,
  type ExperimentRole,
  type PlannedRun,
  type TrainedTeacher,
} from './distillAndEvaluate.js';
export {
  type DistillGradientsOptions,
  distillGradients,
  distillVariables,
} from './distillGradients.js';
export {
  type DistillStepOptions,
  type DistillStepResult,
  distillStep,
} from './distillStep.js';
export {
  type EvalDetectorOptions,
  type EvalDetectorResult,
  evalDetector,
} from './evalDetector.js';
export { type DetectorScores, evaluateDetector, type PrCurves } from './evaluateDetector.js';
export { hintForBatch } from './hintForBatch.js';
export { type InitializedFrom, initFromCheckpoint } from './initFromCheckpoint.js';
export {
  cacheDir,
  type LoadDatasetOptions,
  type LoadedDataset,
  type LoadedSplit,
  loadDataset,
  loadSplit,
} from './loadDataset.js';
export {
  PRESET_NAMES,
  presetConfig,
  presetDescription,
  presetNotes,
} from './presets/presets.js';
export { requirePreset } from './presets/requirePreset.js';
export { type ScaleDownOptions, scaleDownRecipe } from './presets/scaleDownRecipe.js';
export {
  DEFAULT_STUDENT_PAIR,
  STUDENT_PAIR_NAMES,
  type StudentPair,
  studentPair,
} from './presets/studentPairs.js';
export { pruneCheckpoints } from './pruneCheckpoints.js';
export { resolveCheckpoint } from './resolveCheckpoint.js';
export { checkpointToResume, type ResumedState, resumeCheckpoint } from './resumeCheckpoint.js';
export {
  DatasetConfigCodec,
  DistillConfigCodec,
  decodeRunConfig,
  ModelConfigCodec,
  OptimConfigCodec,
  type RunConfig,
  RunConfigCodec,
  readRunConfig,
} from './runConfig.js';
export { claimRunFolder, trimMetrics } from './runFolder.js';
export {
  type ProgressEvent,
  runTraining,
  type StepRecord,
  studentTransform,
  type TrainingHooks,
  type TrainingOptions,
  type TrainingResult,
} from './runTraining.js';
export { TeacherThread, type TrunkArrays, trunkTensors } from './TeacherThread.js';
export { type StepWithTeacher, teacherAhead } from './teacherAhead.js';
export { recordedInputSize, withTeacher } from './teacherInputSize.js';
export {
  DETECTION_SIZE_DIVISIBLE,
  makeBatch,
  type PreparedSplit,
  prepareSplit,
  toDetectionBatch,
} from './toDetectionBatch.js';
export {
  type PreparedStep,
  type StepPlan,
  stepPlanner,
  type TrainingBatchesOptions,
  trainingBatches,
} from './trainingBatches.js';
export { runsTeacherThread, trainingIntraOpThreads } from './trainingIntraOpThreads.js';
export { type TrainingStage, trainStages } from './trainStages.js';
