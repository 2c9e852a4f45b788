// The Node entry: everything of the browser entry plus checkpoint folders on disk and the
// pretrained-weight readers (node:fs).
export * from './browser.js';
export {
  type CheckpointMetadata,
  CheckpointMetadataCodec,
  type LoadedCheckpoint,
  latestCheckpoint,
  loadCheckpoint,
  loadFasterRcnn,
  markLatest,
  restoreOptimizer,
  type SaveCheckpointOptions,
  saveCheckpoint,
} from './checkpoint/checkpoint.js';
export { fileIOHandler } from './checkpoint/fileIOHandler.js';
export {
  assignPretrainedBackbone,
  loadPretrainedBackbone,
  type PretrainedBackboneReport,
  type PretrainedTarget,
} from './pretrained/loadPretrainedBackbone.js';
export { NSFWJS_PRETRAINED, readKerasModel } from './pretrained/readKerasModel.js';
