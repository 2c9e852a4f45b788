/**
 * @kd/cli as a library: the pipeline behind `kd train|distill|eval detector`, for scripts and the
 * examples. Configs are decoded with the same io-ts codec as `--config` files; presets are run
 * configs by name.
 */

export {
  type DetectorScores,
  decodeRunConfig,
  evaluateDetector,
  type LoadedDataset,
  type LoadedSplit,
  loadDataset,
  loadSplit,
  type RunConfig,
  RunConfigCodec,
  readRunConfig,
  resolveCheckpoint,
  runTraining,
  type TrainingOptions,
  type TrainingResult,
} from '@kd/distill';
export {
  type EvalDetectorOptions,
  type EvalDetectorResult,
  evalDetector,
} from './commands/evalDetector.js';
export { type ExportedDetector, exportDetector } from './deploy/exportDetector.js';
export {
  formatSetupNative,
  type SetupNativeOptions,
  type SetupNativeResult,
  setupNative,
} from './native/setupNative.js';
export {
  type DistillAndEvaluateOptions,
  type DistillAndEvaluateResult,
  distillAndEvaluate,
  type EvaluatedRun,
  type PlannedRun,
  type TrainedTeacher,
} from './pipeline/distillAndEvaluate.js';
export { PRESET_NAMES, presetConfig, presetDescription } from './presets/presets.js';
export { requirePreset } from './presets/requirePreset.js';
export { type ScaleDownOptions, scaleDownRecipe } from './presets/scaleDownRecipe.js';
export { type BuildWebDemoOptions, buildWebDemo, type WebDemo } from './web/buildWebDemo.js';
export { serveDirectory } from './web/serveDirectory.js';
