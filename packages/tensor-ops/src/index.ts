// The Node entry: the browser-safe ops (./ops.ts) plus backend selection, which probes for
// libtensorflow on disk.
export {
  BACKENDS,
  type BackendCandidate,
  BackendError,
  type BackendInfo,
  type BackendName,
  type InitBackendOptions,
  initBackend,
  initBackendTE,
} from './backend/initBackend.js';
export { type NativeBindingProbe, probeNativeBinding } from './backend/probeNativeBinding.js';
export { compileNativeGradient, type NativeGradient } from './graph/compileNativeGradient.js';
export { compileNativeGraph, type NativeGraph } from './graph/compileNativeGraph.js';
export {
  compileNativeGraphPerShape,
  type NativeGraphPerShape,
} from './graph/compileNativeGraphPerShape.js';
export * from './ops.js';
