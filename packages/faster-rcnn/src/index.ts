// The Node entry: everything of the browser entry plus checkpoint folders on disk and the
// pretrained-weight readers (node:fs).
export * from './browser.js';
export {
  type CheckpointMetadata,
  CheckpointMetadataCodec,
  isKdCheckpointFolder,
  type LoadedCheckpoint,
  latestCheckpoint,
  loadCheckpoint,
  loadFasterRcnn,
  markLatest,
  restoreOptimizer,
  type SaveCheckpointOptions,
  saveCheckpoint,
} from './checkpoint/checkpoint.js';
export { fileIOHandler, writeModelArtifacts } from './checkpoint/fileIOHandler.js';
export { nonFiniteWeights } from './checkpoint/nonFiniteWeights.js';
export { compileDetector } from './inference/compileDetector.js';
export { type CompiledFasterRcnn, compileFasterRcnn } from './inference/compileFasterRcnn.js';
export { type CompiledTrunk, compileTrunk } from './inference/compileTrunk.js';
export { nativeBackendRequired } from './inference/nativeBackendRequired.js';
export {
  assignPretrainedBackbone,
  loadPretrainedBackbone,
  type PretrainedBackboneReport,
  type PretrainedTarget,
} from './pretrained/loadPretrainedBackbone.js';
export { NSFWJS_PRETRAINED, readKerasModel } from './pretrained/readKerasModel.js';
export { ProposalThread } from './rpn/ProposalThread.js';
export {
  type CompiledTrainingTrunk,
  compileTrainingTrunk,
} from './train/compileTrainingTrunk.js';
export { MomentumSgd } from './train/MomentumSgd.js';
