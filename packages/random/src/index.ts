/**
 * @kd/random — the seeded randomness of every @kd package, in one place: `mulberry32` (resumable
 * 32-bit state; sampling in training), `sfc32` (forkable streams; data order, augmentation and the
 * synthetic dataset) and `hashBit` (a stateless per-item bit). No dependencies.
 */
export { fmix32 } from './fmix32.js';
export { hashBit } from './hashBit.js';
export { mulberry32, type Rng } from './mulberry32.js';
export { sampleWithoutReplacement } from './sampleWithoutReplacement.js';
export { type ForkableRng, sfc32 } from './sfc32.js';
