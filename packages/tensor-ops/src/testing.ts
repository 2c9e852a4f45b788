// `@kd/tensor-ops/testing`: helpers for tests that must hold on every backend kd can run on.
export { describeEachBackend, testBackends } from './backend/describeEachBackend.js';
export { assertCloseToGolden } from './testing/assertCloseToGolden.js';
export { type FixtureTensor, fromFixture, loadFixture } from './testing/goldenFixture.js';
export { noLeakSync } from './testing/noLeakSync.js';
export { REFERENCE_PYTHON, runReference, torchAvailable } from './testing/runReference.js';
export { useActivationGradient } from './testing/useActivationGradient.js';
export { useBackend, useCpu } from './testing/useBackend.js';
