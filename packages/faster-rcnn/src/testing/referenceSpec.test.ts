import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { BENCH_IMAGE_SIZE, benchConfigs } from '../bench/benchModels.js';
import { fasterRcnnConfig } from '../config/fasterRcnnConfig.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import { backboneMacs } from './backboneMacs.js';
import { referenceBackboneMacs, referenceParameterCount, referenceSpec } from './referenceSpec.js';

before(async () => {
  await initBackend({ backend: 'cpu' });
});
after(() => {
  tf.disposeVariables();
});

const mobileNet = (outputStride: 8 | 16) =>
  fasterRcnnConfig({
    numClasses: 6,
    backbone: { name: 'mobilenetv2', outputStride, frozenBatchNorm: true },
    rpn: { channels: 64 },
    roiHead: { fcDims: [128] },
  });

// The PyTorch reference builds its network from the spec alone: the spec must describe every
// weight of the kd model (same count) and the same convolutions (same multiply-accumulates as the
// kernels tfjs runs), or the benchmark's ratios would compare different work.
for (const [name, cfg] of [
  ...Object.entries(benchConfigs()),
  ['mobilenetv2 stride 8', mobileNet(8)] as const,
  ['mobilenetv2 stride 16', mobileNet(16)] as const,
]) {
  test(`the reference spec of ${name} has the kd model's parameters and convolutions`, async () => {
    const before = tf.memory().numTensors;
    const model = new FasterRcnn(cfg);
    const size = BENCH_IMAGE_SIZE;
    const spec = referenceSpec(model, { learningRate: 1e-3, imageSize: size });
    assert.equal(referenceParameterCount(spec), model.params.numParameters(), model.describe());
    const grid = size / model.stride;
    assert.equal(spec.anchors.length, grid * grid * spec.numAnchors * 4);
    // Small, to keep the cpu backend fast; odd at stride 16 ('same' padding), even at stride 8 (an
    // odd map would make kd's dilated depthwise pad to a multiple of its dilation: more work).
    const small = 48;
    const images = tf.zeros([1, small, small, 3]) as tf.Tensor4D;
    const { macs, side } = referenceBackboneMacs(spec, small);
    assert.equal(side, Math.ceil(small / model.stride));
    assert.equal(macs, await backboneMacs(model.backbone, images));
    assert.ok(macs > 0);
    images.dispose();
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
}
