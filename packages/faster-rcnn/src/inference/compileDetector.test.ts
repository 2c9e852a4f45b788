import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '@kd/tensor-ops';
import { describeEachBackend } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { Detector } from '../deploy/Detector.js';
import type { DetectorManifest } from '../deploy/detectorManifest.js';
import { tinyConfig } from '../internal/testing.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import { compileDetector } from './compileDetector.js';

const manifest = {
  format: 'kd-detector',
  version: 1,
  classes: ['red', 'green', 'blue'],
  input: { minSize: 64, maxSize: 96 },
  normalization: { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
  scoreThreshold: 0.2,
  weights: { quantization: 'none' },
  source: null,
} as unknown as DetectorManifest;

function pixels(width: number, height: number) {
  const rng = createRng(4);
  return {
    width,
    height,
    data: Uint8ClampedArray.from({ length: width * height * 3 }, () =>
      Math.floor(256 * rng.next()),
    ),
  };
}

describeEachBackend('compileDetector', (backend) => {
  test(
    backend === 'tensorflow'
      ? 'detects what the detector detects, and its dispose frees the model and the graphs'
      : 'is an error off the native backend',
    async () => {
      const before = tf.memory().numTensors;
      const detector = new Detector(new FasterRcnn(tinyConfig()), manifest);
      const r = compileDetector(detector);
      if (backend !== 'tensorflow') {
        assert.ok(E.isLeft(r));
        assert.match(r.left, /native tensorflow backend/);
        detector.dispose();
        return;
      }
      assert.ok(E.isRight(r), E.isLeft(r) ? r.left : '');
      const image = pixels(80, 60);
      const want = await detector.detect(image);
      const got = await r.right.detect(image);
      assert.ok(want.scores.length > 0, 'the random model detects something');
      assert.equal(got.scores.length, want.scores.length);
      assert.deepEqual([...got.classNames].sort(), [...want.classNames].sort());
      const sum = (xs: Float32Array) => xs.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum(got.scores) - sum(want.scores)) < 1e-4);
      assert.ok(Math.abs(sum(got.boxes) - sum(want.boxes)) < 1e-2);
      r.right.dispose();
      assert.equal(tf.memory().numTensors, before);
    },
  );
});
