import type { Rng } from './mulberry32.js';

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
