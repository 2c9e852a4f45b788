import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';

/** Runs the synchronous `f` and asserts it left no tensor behind (`tf.memory().numTensors`). */
export function noLeakSync<T>(f: () => T): T {
  const before = tf.memory().numTensors;
  const out = f();
  assert.equal(tf.memory().numTensors, before, `leaked ${tf.memory().numTensors - before} tensors`);
  return out;
}
