// The browser-safe entry of @kd/tensor-ops (package.json `browser` condition): every op and the
// wasm kernel patches, without `initBackend` / `probeNativeBinding`, which look for libtensorflow
// on disk with node:fs. Browser code picks its backend with tfjs itself.

export { mulberry32 as createRng, type Rng, sampleWithoutReplacement } from '@kd/random';
export {
  KD_RELU,
  KD_RELU_GRAD,
  registerReluKernels,
  relu,
  reluGradient,
} from './activations/relu.js';
export {
  KD_RELU6,
  KD_RELU6_GRAD,
  registerRelu6Kernels,
  relu6,
  relu6Gradient,
} from './activations/relu6.js';
export { relu6GradComposite } from './activations/relu6GradKernels.js';
export { reluGradComposite } from './activations/reluGradKernels.js';
export {
  type GenerateAnchorsOptions,
  generateAnchors,
  generateAnchorsHost,
} from './anchors/generateAnchors.js';
export { type GridAnchorsOptions, gridAnchors } from './anchors/gridAnchors.js';
export {
  type ConvGradOptions,
  conv2dBackpropFilterComposite,
} from './backend/kernels/conv2dBackpropFilterComposite.js';
export { conv2dBackpropInputComposite } from './backend/kernels/conv2dBackpropInputComposite.js';
export { depthwiseBackpropFilterComposite } from './backend/kernels/depthwiseBackpropFilterComposite.js';
export { depthwiseBackpropInputComposite } from './backend/kernels/depthwiseBackpropInputComposite.js';
export { unsortedSegmentSumComposite } from './backend/kernels/unsortedSegmentSumComposite.js';
export { patchSamePadding, SAME_PADDING_KERNELS } from './backend/patchSamePadding.js';
export { patchTransposedMatMul } from './backend/patchTransposedMatMul.js';
export { registerDilatedConvGradients } from './backend/registerDilatedConvGradients.js';
export {
  registerTrainingKernels,
  TRAINING_KERNELS,
  type TrainingKernelName,
} from './backend/registerTrainingKernels.js';
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
export {
  applyRoiAlignWeights,
  type RoiAlignOptions,
  type RoiBatchIndices,
  type RoiBoxes,
  roiAlign,
  roiAlignAxisWeights,
} from './roi/roiAlign.js';
export type { RoiAlignWeights } from './roi/roiAlignWeights.js';
export { type RoiPoolOptions, roiPool } from './roi/roiPool.js';
