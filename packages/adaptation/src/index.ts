export {
  ADAPTATION_VARIABLE_PREFIX,
  type AdaptationLayer,
  adaptationVariableKey,
  isAdaptationVariable,
} from './adaptationLayer.js';
export { channelL2Normalize } from './channelL2Normalize.js';
export {
  type ConvAdaptationOptions,
  type ConvAdaptationParams,
  convAdaptationForward,
  createConvAdaptation,
} from './convAdaptation.js';
export {
  createFcAdaptation,
  type FcAdaptationOptions,
  type FcAdaptationParams,
  fcAdaptationForward,
} from './fcAdaptation.js';
export { heNormal } from './heNormal.js';
export {
  type AvailableLayers,
  createHintPairing,
  type HintPairing,
  type HintPairingSpec,
} from './hintPairing.js';
export { decodeHintPairingSpec, HintPairingSpecCodec } from './hintPairingSpecCodec.js';
export { type AxisResampling, interpolationMatrix } from './interpolationMatrix.js';
export {
  type MapSpec,
  planResolution,
  type ResolutionPlan,
  type ResolutionPolicy,
} from './planResolution.js';
export { resample } from './resample.js';
export { restoreAdaptationVariables } from './restoreAdaptationVariables.js';
