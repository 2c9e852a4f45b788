import { FasterRcnn, fasterRcnnConfig, trainStep } from '@kd/faster-rcnn';
import { createRng, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

await initBackend();
const S = 128;
function makeImages(n, seed) {
  const rng = createRng(seed);
  const imgs = [],
    targets = [];
  for (let i = 0; i < n; i++) {
    const data = new Float32Array(S * S * 3);
    for (let j = 0; j < data.length; j++) data[j] = 100 + 40 * rng.next();
    const boxes = [],
      labels = [];
    const k = 1 + rng.nextInt(3);
    for (let o = 0; o < k; o++) {
      const w = 20 + rng.nextInt(40),
        h = 20 + rng.nextInt(40);
      const x = rng.nextInt(S - w),
        y = rng.nextInt(S - h);
      const c = 1 + rng.nextInt(3);
      const col = [
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
      ][c - 1];
      for (let yy = y; yy < y + h; yy++)
        for (let xx = x; xx < x + w; xx++)
          for (let ch = 0; ch < 3; ch++) data[(yy * S + xx) * 3 + ch] = col[ch];
      boxes.push(x, y, x + w, y + h);
      labels.push(c);
    }
    imgs.push(data);
    targets.push({ boxes: Float32Array.from(boxes), labels: Int32Array.from(labels) });
  }
  return { imgs, targets };
}
const cfg = fasterRcnnConfig({
  numClasses: 3,
  backbone: { name: 'vgg16', widthMultiplier: 0.25, outputStride: 8 },
  anchors: { baseSize: 8, ratios: [0.5, 1, 2], scales: [2, 4, 8] },
  rpn: {
    channels: 64,
    preNmsTopNTrain: 600,
    postNmsTopNTrain: 300,
    preNmsTopNTest: 300,
    postNmsTopNTest: 100,
    batchSizePerImage: 128,
  },
  roiHead: { fcDims: [128, 128], batchSizePerImage: 64 },
});
const model = new FasterRcnn(cfg);
console.log(model.describe());
const { imgs, targets } = makeImages(8, 1);
const raw = tf.tensor4d(Float32Array.from(imgs.flatMap((d) => Array.from(d))), [8, S, S, 3]);
const images = model.normalize(raw);
const metas = imgs.map(() => ({
  height: S,
  width: S,
  scale: 1,
  originalHeight: S,
  originalWidth: S,
}));
const opt = tf.train.momentum(0.01, 0.9);
const rng = createRng(0);
const t0 = Date.now();
for (let step = 0; step < 300; step++) {
  const r = trainStep(model, { images, metas, targets }, { optimizer: opt, rng, clipGradNorm: 10 });
  if (step % 20 === 0)
    console.log(
      step,
      r.total.toFixed(3),
      JSON.stringify(
        Object.fromEntries(Object.entries(r.losses).map(([k, v]) => [k, +v.toFixed(3)])),
      ),
      'tensors',
      tf.memory().numTensors,
      ((Date.now() - t0) / (step + 1)).toFixed(0),
      'ms/step',
    );
}
const dets = await model.predict({ images, metas });
for (let i = 0; i < 3; i++)
  console.log(
    'gt',
    Array.from(targets[i].boxes),
    Array.from(targets[i].labels),
    'det',
    Array.from(dets[i].boxes.slice(0, 8)).map((v) => v.toFixed(0)),
    Array.from(dets[i].labels.slice(0, 4)),
    Array.from(dets[i].scores.slice(0, 4)).map((v) => v.toFixed(2)),
  );
