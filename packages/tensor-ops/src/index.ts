export * from './backend/index.js';
export { boxIou, type BoxIouOptions } from './boxes/boxIou.js';
export { boxArea } from './boxes/boxArea.js';
export { clipBoxes } from './boxes/clipBoxes.js';
export { removeSmallBoxes, removeSmallBoxesHost } from './boxes/removeSmallBoxes.js';
export { boxConvert, type BoxFormat } from './boxes/boxConvert.js';
export {
  type BoxCodingConvention,
  type BoxCodingWeights,
  DEFAULT_BBOX_XFORM_CLIP,
} from './boxes/boxCoding.js';
export { encodeBoxes, type EncodeBoxesOptions } from './boxes/encodeBoxes.js';
export { decodeBoxes, type DecodeBoxesOptions } from './boxes/decodeBoxes.js';
export { generateAnchors, generateAnchorsHost, type GenerateAnchorsOptions } from './anchors/generateAnchors.js';
export { gridAnchors, type GridAnchorsOptions } from './anchors/gridAnchors.js';
export { nms, type NmsOptions, type HostOrTensorBoxes, type HostOrTensorScores } from './nms/nms.js';
export { nmsHost } from './nms/nmsHost.js';
export { batchedNms, type BatchedNmsOptions } from './nms/batchedNms.js';
export { softNms, softNmsHost, type SoftNmsOptions, type SoftNmsResult } from './nms/softNms.js';
export {
  roiAlign,
  type RoiAlignOptions,
  type RoiBoxes,
  type RoiBatchIndices,
} from './roi/roiAlign.js';
export { roiPool, type RoiPoolOptions } from './roi/roiPool.js';
export {
  matchBoxes,
  matchBoxesHost,
  BELOW_LOW_THRESHOLD,
  BETWEEN_THRESHOLDS,
  type MatchBoxesOptions,
  type HostMatrix,
} from './matching/matchBoxes.js';
export { sampleBalanced, type SampleBalancedOptions, type BalancedSample } from './matching/sampleBalanced.js';
export { createRng, sampleWithoutReplacement, type Rng } from './random/createRng.js';
