import { fmix32 } from './fmix32.js';

/** A seeded generator with a 128-bit state that draws several distributions and forks streams. */
export interface ForkableRng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** A new independent generator derived from this one (for per-item streams). */
  fork(): ForkableRng;
}

/**
 * sfc32 (Chris Doty-Humphrey's small fast counting generator) from a 32-bit integer seed. Same
 * seed, same sequence, on every platform; the data pipeline and the synthetic dataset draw from it.
 */
export const sfc32 = (seed: number): ForkableRng => {
  // splitmix32 expands the seed into sfc32's 128-bit state.
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    return fmix32(s);
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();
  const next = (): number => u32() / 4294967296;
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    fork: () => sfc32(u32()),
  };
};
