import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { fromFixture, loadFixture } from './goldenFixture.js';
import { useCpu } from './useBackend.js';

test("loadFixture reads the calling package's fixtures/; fromFixture keeps shape and dtype", async () => {
  await useCpu();
  const before = tf.memory().numTensors;
  const t = fromFixture({ dtype: 'int32', shape: [2, 1], data: [3, 4] });
  assert.deepEqual([t.shape, t.dtype, Array.from(t.dataSync())], [[2, 1], 'int32', [3, 4]]);
  t.dispose();
  assert.equal(tf.memory().numTensors, before);
  const anchors = loadFixture<Record<string, unknown>>(import.meta.url, 'anchors.json');
  assert.equal(typeof anchors, 'object');
  assert.throws(
    () => loadFixture(import.meta.url, 'no-such-fixture.json'),
    /tensor-ops[/\\]fixtures[/\\]no-such-fixture\.json/,
  );
});
