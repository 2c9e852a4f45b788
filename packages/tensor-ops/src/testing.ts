// `@kd/tensor-ops/testing`: helpers for tests that must hold on every backend kd can run on.
export { describeEachBackend, testBackends } from './backend/describeEachBackend.js';
