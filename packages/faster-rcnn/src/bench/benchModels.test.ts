import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { FasterRcnn } from '../model/FasterRcnn.js';
import {
  BENCH_IMAGE_SIZE,
  benchConfigs,
  type ReferenceStep,
  referenceSpec,
} from './benchModels.js';

before(async () => {
  await initBackend({ backend: 'cpu' });
});
after(() => {
  tf.disposeVariables();
});

// The PyTorch reference builds its network from this spec alone: its parameter count, computed
// here the way the reference builds its layers, must be the kd model's.
test('the reference spec describes every weight of the teacher and the student', () => {
  for (const cfg of Object.values(benchConfigs())) {
    const before = tf.memory().numTensors;
    const model = new FasterRcnn(cfg);
    const spec = referenceSpec(model, 1e-3) as {
      backbone: ReferenceStep[];
      featChannels: number;
      numAnchors: number;
      rpnChannels: number;
      fcDims: number[];
      outputSize: number;
      numClasses: number;
      anchors: number[];
      stride: number;
    };
    let n = 0;
    let stride = 1;
    for (const s of spec.backbone) {
      if (s.type === 'conv') n += s.kernel * s.kernel * s.cin * s.cout + s.cout;
      stride *= s.stride;
    }
    assert.equal(stride, spec.stride);
    const c = spec.featChannels;
    const r = spec.rpnChannels;
    n += 9 * c * r + r + r * 2 * spec.numAnchors + 2 * spec.numAnchors;
    n += r * 4 * spec.numAnchors + 4 * spec.numAnchors;
    let d = spec.outputSize * spec.outputSize * c;
    for (const dim of spec.fcDims) {
      n += d * dim + dim;
      d = dim;
    }
    n += d * (spec.numClasses + 1) + spec.numClasses + 1;
    n += d * 4 * (spec.numClasses + 1) + 4 * (spec.numClasses + 1);
    assert.equal(n, model.params.numParameters(), model.describe());
    const grid = BENCH_IMAGE_SIZE / spec.stride;
    assert.equal(spec.anchors.length, grid * grid * spec.numAnchors * 4);
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  }
});
