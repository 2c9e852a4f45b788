import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fixture } from '../test-util.js';
import { padBatch } from './padBatch.js';
import { toTensor } from './toTensor.js';

const golden = JSON.parse(readFileSync(fixture('golden', 'resize.json'), 'utf8')) as {
  batch: { shapes: [number, number][]; paddedShape: number[] };
};

test('padBatch: padded to multiples of 32 like torchvision batch_images, images top-left, zeros elsewhere', () => {
  const imgs = golden.batch.shapes.map(([h, w], k) => ({
    data: Float32Array.from({ length: h * w * 3 }, (_, i) => k + 1 + i / 1e4),
    height: h,
    width: w,
    channels: 3,
  }));
  const b = padBatch(imgs);
  const [B, , H, W] = golden.batch.paddedShape as [number, number, number, number];
  assert.deepEqual([b.batchSize, b.height, b.width], [B, H, W]);
  assert.deepEqual(b.imageSizes, golden.batch.shapes);
  for (let k = 0; k < 2; k++) {
    const [h, w] = golden.batch.shapes[k]!;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const v = b.data[((k * H + y) * W + x) * 3]!;
        if (y < h && x < w) assert.equal(v, imgs[k]!.data[(y * w + x) * 3]);
        else assert.equal(v, 0);
      }
    }
  }
  assert.equal(padBatch(imgs, 1).height, 33);
  assert.throws(() => padBatch([]), /zero images/);
});

test('toTensor: [B,H,W,C] float32 with the batch values, no tensor left behind after dispose', async () => {
  await tf.setBackend('cpu');
  const before = tf.memory().numTensors;
  const b = padBatch(
    [{ data: Float32Array.from([1, 2, 3, 4, 5, 6]), height: 1, width: 2, channels: 3 }],
    2,
  );
  const t = toTensor(tf, b);
  assert.deepEqual(t.shape, [1, 2, 2, 3]);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual([...(await t.data())].slice(0, 6), [1, 2, 3, 4, 5, 6]);
  t.dispose();
  assert.equal(tf.memory().numTensors, before);
});
