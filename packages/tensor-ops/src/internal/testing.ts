// Test helpers shared by this package's tests (not exported from the package root).
import { mulberry32 } from '@kd/random';
import * as tf from '@tensorflow/tfjs-core';

/** Reproducible uniform test inputs: the `mulberry32` stream of `seed`. */
export function seededUniform(seed: number): () => number {
  return mulberry32(seed).next;
}

export function randomArray(size: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rnd = seededUniform(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = lo + (hi - lo) * rnd();
  return out;
}

/** max|a − b| / max|b|: the relative error used throughout kd's backend checks. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Runs `body` on `backend`, returning plain arrays (so nothing outlives the backend switch). */
export async function onBackend<T>(backend: string, body: () => T): Promise<T> {
  await tf.setBackend(backend);
  return body();
}
