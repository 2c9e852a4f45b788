import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-cpu';

/** Selects the cpu backend (the numerical reference) once per test file. */
export async function useCpu(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  await tf.ready();
}

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
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-4, atol = 1e-5, what = ''): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} != ${expected.length}`);
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
