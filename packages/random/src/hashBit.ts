import { fmix32 } from './fmix32.js';

/**
 * A stable pseudo-random bit for item `index` of a run seeded `seed`, independent of any generator
 * state (so a decision about one item does not depend on how many were drawn before it).
 */
export const hashBit = (seed: number, index: number): boolean =>
  (fmix32(seed ^ Math.imul(index + 1, 0x9e3779b1)) & 1) === 1;
