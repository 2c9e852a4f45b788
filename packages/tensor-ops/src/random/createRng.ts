/**
 * A small, explicitly seeded pseudo-random generator (mulberry32).
 *
 * Every random choice in the library takes one of these (or a seed to build one), so a run is
 * reproducible from its seeds alone and independent of `Math.random`.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  nextInt(n: number): number;
  /** The generator's internal state, to checkpoint and later resume with `createRng(state)`. */
  state(): number;
}

/**
 * Creates a seeded generator. Same seed, same sequence, on every platform.
 * @param seed any number; it is reduced to an unsigned 32-bit integer.
 * @example
 * const rng = createRng(42);
 * const u = rng.next(); // 0 <= u < 1
 */
export function createRng(seed: number): Rng {
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

/**
 * Draws `k` distinct elements of `pool` uniformly at random (partial Fisher–Yates on a copy).
 * Returns them in draw order; `pool` is not modified.
 */
export function sampleWithoutReplacement(pool: Int32Array, k: number, rng: Rng): Int32Array {
  const a = Int32Array.from(pool);
  const n = a.length;
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + rng.nextInt(n - i);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a.slice(0, m);
}
