import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';

export { useBackend, useCpu } from './testing/useBackend.js';

function packageRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
}

// biome-ignore lint/suspicious/noExplicitAny: fixtures are plain JSON written by our generator
export function fixture(name: string): any {
  return JSON.parse(readFileSync(join(packageRoot(), 'fixtures', name), 'utf8'));
}

/** Elementwise `|a - e| <= atol + rtol * |e|`, NaN matching NaN; reports the first mismatch. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-4,
  atol = 1e-5,
  what = '',
): void {
  assert.equal(
    actual.length,
    expected.length,
    `${what}: length ${actual.length} != ${expected.length}`,
  );
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.fail(`${what}: element ${i}: got ${a}, expected ${e}`);
    }
  }
}

/** Runs `fn` and asserts it leaves no tensor behind (its returned tensors excluded after disposal). */
export async function noLeak<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  assert.equal(tf.memory().numTensors, before, `leaked ${tf.memory().numTensors - before} tensors`);
  return out;
}

/**
 * Finite-difference check on the current backend: compares `tf.grad` of
 * `L(x) = Σ fn(x) · r` (r a fixed random weighting) with central differences of step `eps`
 * for each coordinate of `x` (keep `x` small). Returns the max relative error
 * `max|g − fd| / max(|fd|, 1e-3)` over coordinates, for the caller to bound.
 */
export function finiteDifferenceError(
  fn: (x: tf.Tensor) => tf.Tensor,
  x0: Float32Array,
  shape: number[],
  eps = 1e-2,
): number {
  return tf.tidy(() => {
    const probe = fn(tf.tensor(x0, shape));
    let s = 12345;
    const r = tf.tensor(
      Array.from({ length: probe.size }, () => {
        s = (s * 1103515245 + 12345) % 2147483648;
        return s / 2147483648 - 0.5;
      }),
      probe.shape,
    );
    const loss = (x: tf.Tensor) => tf.sum(tf.mul(fn(x), r));
    const g = tf.grad(loss)(tf.tensor(x0, shape)).dataSync();
    let err = 0;
    for (let i = 0; i < x0.length; i++) {
      const xp = Float32Array.from(x0);
      const xm = Float32Array.from(x0);
      xp[i]! += eps;
      xm[i]! -= eps;
      const fd =
        (loss(tf.tensor(xp, shape)).dataSync()[0]! - loss(tf.tensor(xm, shape)).dataSync()[0]!) /
        (2 * eps);
      err = Math.max(err, Math.abs(g[i]! - fd) / Math.max(Math.abs(fd), 1e-3));
    }
    return err;
  });
}
