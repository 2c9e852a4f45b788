import { sfc32 } from '@kd/random';

/** A Fisher–Yates permutation of `items` determined by `seed` (the input is not mutated). */
export const shuffleSeeded = <T>(items: readonly T[], seed: number): T[] => {
  const out = items.slice();
  const rng = sfc32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = out[i] as T;
    out[i] = out[j] as T;
    out[j] = t;
  }
  return out;
};
