export {
  BACKENDS,
  type BackendCandidate,
  BackendError,
  type BackendInfo,
  type BackendName,
  type InitBackendOptions,
  initBackend,
  initBackendTE,
} from './initBackend.js';
export {
  type ConvGradOptions,
  conv2dBackpropFilterComposite,
} from './kernels/conv2dBackpropFilterComposite.js';
export { conv2dBackpropInputComposite } from './kernels/conv2dBackpropInputComposite.js';
export { depthwiseBackpropFilterComposite } from './kernels/depthwiseBackpropFilterComposite.js';
export { depthwiseBackpropInputComposite } from './kernels/depthwiseBackpropInputComposite.js';
export { unsortedSegmentSumComposite } from './kernels/unsortedSegmentSumComposite.js';
export { patchSamePadding, SAME_PADDING_KERNELS } from './patchSamePadding.js';
export { patchTransposedMatMul } from './patchTransposedMatMul.js';
export { type NativeBindingProbe, probeNativeBinding } from './probeNativeBinding.js';
export { registerDilatedConvGradients } from './registerDilatedConvGradients.js';
export {
  registerTrainingKernels,
  TRAINING_KERNELS,
  type TrainingKernelName,
} from './registerTrainingKernels.js';
