export {
  type GenerateAnchorsOptions,
  generateAnchors,
  generateAnchorsHost,
} from './anchors/generateAnchors.js';
export { type GridAnchorsOptions, gridAnchors } from './anchors/gridAnchors.js';
export * from './backend/index.js';
export { boxArea } from './boxes/boxArea.js';
export {
  type BoxCodingConvention,
  type BoxCodingWeights,
  DEFAULT_BBOX_XFORM_CLIP,
} from './boxes/boxCoding.js';
export { type BoxFormat, boxConvert } from './boxes/boxConvert.js';
export { type BoxIouOptions, boxIou } from './boxes/boxIou.js';
export { clipBoxes } from './boxes/clipBoxes.js';
export { type DecodeBoxesOptions, decodeBoxes } from './boxes/decodeBoxes.js';
export { type EncodeBoxesOptions, encodeBoxes } from './boxes/encodeBoxes.js';
export { removeSmallBoxes, removeSmallBoxesHost } from './boxes/removeSmallBoxes.js';
export {
  BELOW_LOW_THRESHOLD,
  BETWEEN_THRESHOLDS,
  type HostMatrix,
  type MatchBoxesOptions,
  matchBoxes,
  matchBoxesHost,
} from './matching/matchBoxes.js';
export {
  type BalancedSample,
  type SampleBalancedOptions,
  sampleBalanced,
} from './matching/sampleBalanced.js';
export { type BatchedNmsOptions, batchedNms } from './nms/batchedNms.js';
export {
  type HostOrTensorBoxes,
  type HostOrTensorScores,
  type NmsOptions,
  nms,
} from './nms/nms.js';
export { nmsHost } from './nms/nmsHost.js';
export { type SoftNmsOptions, type SoftNmsResult, softNms, softNmsHost } from './nms/softNms.js';
export { createRng, type Rng, sampleWithoutReplacement } from './random/createRng.js';
export {
  type RoiAlignOptions,
  type RoiBatchIndices,
  type RoiBoxes,
  roiAlign,
} from './roi/roiAlign.js';
export { type RoiPoolOptions, roiPool } from './roi/roiPool.js';
