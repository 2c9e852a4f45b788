/**
 * A small, explicitly seeded generator with a 32-bit state that can be saved and resumed.
 *
 * Every random choice in the detector libraries takes one of these (or a seed to build one), so a
 * run is reproducible from its seeds alone and independent of `Math.random`.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  nextInt(n: number): number;
  /** The generator's internal state, to checkpoint and later resume with `mulberry32(state)`. */
  state(): number;
}

/**
 * mulberry32 (Tommy Ettinger). Same seed, same sequence, on every platform.
 * @param seed any number; it is reduced to an unsigned 32-bit integer.
 * @example
 * const rng = mulberry32(42);
 * const u = rng.next(); // 0 <= u < 1
 */
export function mulberry32(seed: number): Rng {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    nextInt: (n: number) => Math.floor(next() * n),
    state: () => s,
  };
}
