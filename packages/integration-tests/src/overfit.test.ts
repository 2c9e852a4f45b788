import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { cocoEvaluator, cocoParams } from '@kd/eval';
import { FasterRcnn, fasterRcnnConfig, trainStep } from '@kd/faster-rcnn';
import { createRng, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

before(async () => {
  await initBackend();
});

/** Eight 64×64 images of coloured rectangles (class = colour) on noise. */
function rectangles(seed: number) {
  const n = 8;
  const size = 64;
  const rng = createRng(seed);
  const colours = [
    [230, 40, 40],
    [40, 200, 40],
    [40, 60, 230],
  ];
  const flat = new Float32Array(n * size * size * 3);
  const targets = [];
  for (let i = 0; i < n; i++) {
    const off = i * size * size * 3;
    for (let j = 0; j < size * size * 3; j++) flat[off + j] = (110 + 30 * rng.next() - 127.5) / 64;
    const boxes: number[] = [];
    const labels: number[] = [];
    for (let o = 0; o < 2; o++) {
      const w = 14 + rng.nextInt(16);
      const h = 14 + rng.nextInt(16);
      const x = o === 0 ? rng.nextInt(size / 2 - w + 1) : size / 2 + rng.nextInt(size / 2 - w);
      const y = rng.nextInt(size - h);
      const c = 1 + rng.nextInt(3);
      for (let yy = y; yy < y + h; yy++) {
        for (let xx = x; xx < x + w; xx++) {
          for (let ch = 0; ch < 3; ch++)
            flat[off + (yy * size + xx) * 3 + ch] = (colours[c - 1]![ch]! - 127.5) / 64;
        }
      }
      boxes.push(x, y, x + w, y + h);
      labels.push(c);
    }
    targets.push({ boxes: Float32Array.from(boxes), labels: Int32Array.from(labels) });
  }
  const metas = targets.map(() => ({
    height: size,
    width: size,
    scale: 1,
    originalHeight: size,
    originalWidth: size,
  }));
  return { images: tf.tensor4d(flat, [n, size, size, 3]), metas, targets };
}

test('Faster R-CNN overfits 8 images to COCO AP@0.5 > 0.95 (scored by @kd/eval)', {
  timeout: 600_000,
}, async () => {
  const model = new FasterRcnn(
    fasterRcnnConfig({
      numClasses: 3,
      backbone: { name: 'vgg16', widthMultiplier: 0.125, outputStride: 8 },
      anchors: { baseSize: 8, ratios: [0.5, 1, 2], scales: [2, 4] },
      rpn: {
        channels: 32,
        preNmsTopNTrain: 300,
        postNmsTopNTrain: 100,
        preNmsTopNTest: 200,
        postNmsTopNTest: 50,
        batchSizePerImage: 64,
      },
      roiHead: { fcDims: [128], batchSizePerImage: 32, outputSize: 5 },
      seed: 5,
    }),
  );
  const batch = rectangles(3);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const rng = createRng(9);
  const baseline = tf.memory().numTensors;
  let last = Number.NaN;
  for (let step = 0; step < 250; step++) {
    last = trainStep(model, batch, { optimizer, rng, clipGradNorm: 10 }).total;
  }
  const dets = await model.predict(batch);
  let state = cocoEvaluator.empty(cocoParams([1, 2, 3]));
  let annId = 1;
  dets.forEach((d, i) => {
    const t = batch.targets[i]!;
    const annotations = Array.from(t.labels, (c, j) => {
      const [x1, y1, x2, y2] = [
        t.boxes[4 * j]!,
        t.boxes[4 * j + 1]!,
        t.boxes[4 * j + 2]!,
        t.boxes[4 * j + 3]!,
      ];
      return {
        id: annId++,
        imageId: i + 1,
        categoryId: c,
        bbox: [x1, y1, x2 - x1, y2 - y1] as const,
        area: (x2 - x1) * (y2 - y1),
        iscrowd: false,
      };
    });
    const detections = Array.from(d.scores, (score, j) => ({
      imageId: i + 1,
      categoryId: d.labels[j]!,
      bbox: [
        d.boxes[4 * j]!,
        d.boxes[4 * j + 1]!,
        d.boxes[4 * j + 2]! - d.boxes[4 * j]!,
        d.boxes[4 * j + 3]! - d.boxes[4 * j + 1]!,
      ] as const,
      score,
    }));
    state = cocoEvaluator.update(state, { imageId: i + 1, annotations }, detections);
  });
  const ap50 = cocoEvaluator.compute(state).summary.AP50;
  assert.ok(ap50 > 0.95, `AP@0.5 ${ap50} after 250 steps (final loss ${last})`);
  // One optimiser slot set was created on the first step; nothing else may remain.
  assert.ok(tf.memory().numTensors - baseline <= model.trainableVariables().length * 1 + 1);
  optimizer.dispose();
  batch.images.dispose();
  model.dispose();
});
