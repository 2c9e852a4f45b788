// The browser-safe entry of @kd/faster-rcnn (package.json `browser` condition): building a
// detector from a config and weights, inference, result formats and detector exports — no
// node: imports. Checkpoint folders (node:fs) are in the Node entry, ./index.ts.
export type { Backbone, BackboneForward, BackboneLayer } from './backbones/Backbone.js';
export {
  type BackboneFactory,
  backboneNames,
  createBackbone,
  registerBackbone,
} from './backbones/backboneRegistry.js';
export {
  BACKBONE_NAMES,
  type BackboneName,
  type BackboneSpec,
} from './backbones/builtinBackbones.js';
export {
  DEFAULT_FASTER_RCNN_CONFIG,
  decodeFasterRcnnConfig,
  type FasterRcnnConfig,
  FasterRcnnConfigCodec,
  fasterRcnnConfig,
  KERAS_MOBILENETV2_INPUT,
} from './config/fasterRcnnConfig.js';
export {
  type DetectOptions,
  Detector,
  type DetectorRuntime,
  type NamedDetections,
} from './deploy/Detector.js';
export { detectorArtifacts } from './deploy/detectorArtifacts.js';
export {
  DETECTOR_FORMAT,
  DETECTOR_FORMAT_VERSION,
  type DetectorManifest,
  DetectorManifestCodec,
  decodeDetectorManifest,
  WEIGHT_QUANTIZATIONS,
  type WeightQuantization,
} from './deploy/detectorManifest.js';
export { encodeDetectorWeights, type HostWeight } from './deploy/encodeDetectorWeights.js';
export { loadDetector } from './deploy/loadDetector.js';
export {
  type Pixels,
  type PreprocessedImage,
  preprocessPixels,
} from './deploy/preprocessPixels.js';
export { toDatasetDetections } from './inference/toDatasetDetections.js';
export { ParamStore } from './layers/ParamStore.js';
export {
  type DetectionLosses,
  FasterRcnn,
  type ForwardOptions,
  type RowsForward,
  type RowsForwardOptions,
  type TrainForward,
  type TrainForwardOptions,
  type TrunkOutputs,
} from './model/FasterRcnn.js';
export type {
  DetectionBatch,
  Detections,
  HeadOutputs,
  ImageMeta,
  ImageTargets,
  SampledRows,
  SampledTargets,
} from './model/types.js';
export {
  type KerasModel,
  type KerasModelJson,
  KerasModelJsonCodec,
  kerasModelArtifacts,
} from './pretrained/kerasModelJson.js';
export { MOBILENETV2_KERAS_CUT } from './pretrained/mobileNetV2KerasNames.js';
export {
  assignProposalTargets,
  type ProposalTargetOptions,
  type ProposalTargets,
} from './roiHeads/assignProposalTargets.js';
export {
  type AnchorTargetOptions,
  type AnchorTargets,
  assignAnchorTargets,
} from './rpn/assignAnchorTargets.js';
export { generateProposals, type ProposalOptions } from './rpn/generateProposals.js';
export {
  type HostProposals,
  proposalsOnHost,
  type RpnOnHost,
} from './rpn/proposalsForBatch.js';
export {
  type ApplyGradientsOptions,
  applyGradients,
  globalNorm,
  type RegularizingOptimizer,
} from './train/applyGradients.js';
export {
  type ComputeGradientsOptions,
  computeGradients,
  type Gradients,
  gradientVariables,
  type LossFn,
} from './train/computeGradients.js';
export {
  clipFactor,
  decayGradients,
  decays,
  squaredNorm,
  type VariableGradient,
} from './train/decayGradients.js';
export {
  type LearningRateSchedule,
  LearningRateScheduleCodec,
  learningRateAt,
} from './train/learningRate.js';
export { packTensors, unpackTensors } from './train/packTensors.js';
export {
  type TrainStepOptions,
  type TrainStepResult,
  trainStep,
} from './train/trainStep.js';
