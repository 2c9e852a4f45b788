export { type BoundedRegressionOptions, boundedRegressionLoss } from './boundedRegressionLoss.js';
export { type BoxRegressionLossOptions, boxRegressionLoss } from './boxRegressionLoss.js';
export { classColumnWeights, PAPER_BACKGROUND_WEIGHT } from './classColumnWeights.js';
export {
  type DistillationClassificationOptions,
  distillationClassificationLoss,
} from './distillationClassificationLoss.js';
export {
  type DistillationRegressionOptions,
  distillationRegressionLoss,
} from './distillationRegressionLoss.js';
export type {
  DetectionContext,
  DetectionTargets,
  DistillContext,
  HeadOutputs,
  StudentOutputs,
} from './distillContext.js';
export { type HintLossOptions, type HintReduction, hintLoss } from './hintLoss.js';
export { BACKGROUND_LABEL, IGNORE_LABEL, type Labels } from './labels.js';
export {
  type Normalization,
  normalizer,
  positiveMask,
  sampledMask,
} from './normalization.js';
export { type AblationRow, ablationRows, ablationStack } from './presets/ablationStack.js';
export {
  decodePaperObjectiveConfig,
  PaperObjectiveConfig,
  ScheduleSpec,
  scheduleFromSpec,
} from './presets/objectiveConfig.js';
export {
  fasterRcnnObjective,
  type PaperObjectiveOptions,
  paperObjective,
} from './presets/paperObjective.js';
export { selectClassDeltas } from './selectClassDeltas.js';
export {
  type SigmoidCrossEntropyOptions,
  sigmoidCrossEntropy,
  twoClassLogits,
} from './sigmoidCrossEntropy.js';
export { type SmoothL1Options, smoothL1, smoothL1Beta } from './smoothL1.js';
export { type SoftCrossEntropyOptions, softCrossEntropy } from './softCrossEntropy.js';
export { type SoftmaxCrossEntropyOptions, softmaxCrossEntropy } from './softmaxCrossEntropy.js';
export {
  type LossStack,
  type LossStackResult,
  lossStack,
  type WeightedTerm,
} from './stack/lossStack.js';
export { type LossTerm, lossTerm } from './stack/lossTerm.js';
export {
  asSchedule,
  complement,
  constant,
  cosineWarmup,
  linear,
  product,
  type Schedule,
  stepwise,
} from './stack/schedule.js';
export { stackGradients } from './stack/stackGradients.js';
export { stopGradient } from './stopGradient.js';
export { type TeacherL2Options, teacherL2Loss } from './teacherL2Loss.js';
export { boundedRegressionTerm, teacherL2Term } from './terms/boundedRegressionTerm.js';
export { classificationTerm } from './terms/classificationTerm.js';
export type { Head } from './terms/headParts.js';
export { type HintTermOptions, hintTerm } from './terms/hintTerm.js';
export { defaultSmoothL1, regressionTerm } from './terms/regressionTerm.js';
export { type SoftTargetTermOptions, softTargetTerm } from './terms/softTargetTerm.js';
