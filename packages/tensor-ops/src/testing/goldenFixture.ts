import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';

/** A tensor as the golden-fixture generators write it (Debian python3-torch). */
export interface FixtureTensor {
  readonly dtype: 'float32' | 'int32';
  readonly shape: number[];
  readonly data: number[];
}

/**
 * Reads `<package root>/fixtures/<name>` as JSON, the package root being the nearest folder above
 * `moduleUrl` (pass the test's `import.meta.url`) that holds a package.json, so that each package
 * keeps its own fixtures.
 */
export function loadFixture<T>(moduleUrl: string, name: string): T {
  let dir = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`${fileURLToPath(moduleUrl)}: no package.json above it`);
    dir = up;
  }
  return JSON.parse(readFileSync(join(dir, 'fixtures', name), 'utf8')) as T;
}

/** The fixture's values as a tensor of its shape and dtype. */
export function fromFixture(t: FixtureTensor): tf.Tensor {
  return tf.tensor(t.data, t.shape, t.dtype);
}
