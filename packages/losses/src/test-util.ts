// Test helpers (not part of the published package: `files` excludes dist/**/test-util*).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BackendName, initBackend } from '@kd/tensor-ops';
import { testBackends as availableBackends } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';

/** Backends every golden test runs on (wasm ships its binary in the npm package: works offline). */
/** cpu, wasm and, when its binding is built (`pnpm setup-native`), tensorflow. */
export const testBackends: readonly BackendName[] = availableBackends();
export type TestBackend = BackendName;

/** Selects a backend through @kd/tensor-ops (gradients and wasm training kernels registered). */
export async function useBackend(name: TestBackend): Promise<void> {
  await initBackend({ backend: name });
}

export async function useCpu(): Promise<void> {
  await useBackend('cpu');
}

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(packageRoot(), 'fixtures', name), 'utf8')) as T;
}

export interface FixtureTensor {
  readonly dtype: 'float32' | 'int32';
  readonly shape: number[];
  readonly data: number[];
}

export function fromFixture(t: FixtureTensor): tf.Tensor {
  return tf.tensor(t.data, t.shape, t.dtype);
}

/** `|a − e| ≤ atol + rtol·|e|`, with atol scaled by the largest expected magnitude. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  rtol = 2e-4,
  atol = 1e-5,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    assert.ok(Number.isFinite(a), `${what}[${i}] is not finite: ${a}`);
    assert.ok(
      Math.abs(a - e) <= atol * scale + rtol * Math.abs(e),
      `${what}[${i}]: got ${a}, expected ${e}`,
    );
  }
}

/** Runs `f` and asserts it left no tensor behind. */
export function noLeak<T>(f: () => T): T {
  const before = tf.memory().numTensors;
  const out = f();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  return out;
}
