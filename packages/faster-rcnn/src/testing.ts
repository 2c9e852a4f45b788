// `@kd/faster-rcnn/testing`: what the benchmarks need to run a PyTorch reference of a kd detector
// (the network read off the model, its parameter and multiply-accumulate counts) and the path of
// that reference.
import { fileURLToPath } from 'node:url';

export { backboneKernelTimes } from './testing/backboneKernelTimes.js';
export { backboneMacs } from './testing/backboneMacs.js';
export { benchBackends } from './testing/benchBackends.js';
export { markdownTable } from './testing/markdownTable.js';
export { median } from './testing/median.js';
export { profileTrainStep, type StepProfile } from './testing/profileTrainStep.js';
export {
  type ReferenceBackbone,
  type ReferenceBlock,
  type ReferenceDistillation,
  type ReferenceSpec,
  type ReferenceStep,
  referenceBackboneMacs,
  referenceParameterCount,
  referenceSpec,
} from './testing/referenceSpec.js';
export { referenceWaitPolicy } from './testing/referenceWaitPolicy.js';
export {
  alternate,
  cpuPerWall,
  newTimed,
  speedUp,
  type Timed,
  timed,
  timedCell,
} from './testing/stepTimer.js';

/**
 * `bench/faster_rcnn_reference.py` of this package in the repository (not published; run it with
 * `runReference` of `@kd/tensor-ops/testing`): builds the detectors of a spec file in PyTorch and
 * times their training or distillation step and inference.
 */
export const FASTER_RCNN_REFERENCE_SCRIPT = fileURLToPath(
  new URL('../bench/faster_rcnn_reference.py', import.meta.url),
);
