// Shared helpers for this package's tests (not exported from the package root).

import { createRng } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { type FasterRcnnConfig, fasterRcnnConfig } from '../config/fasterRcnnConfig.js';
import type { DetectionBatch, ImageTargets } from '../model/types.js';

/** A tiny detector configuration that trains in a fraction of a second per step. */
export function tinyConfig(overrides: Record<string, unknown> = {}): FasterRcnnConfig {
  return fasterRcnnConfig({
    numClasses: 3,
    backbone: { name: 'vgg16', widthMultiplier: 0.0625, outputStride: 8 },
    anchors: { baseSize: 8, ratios: [0.5, 1, 2], scales: [2, 4] },
    rpn: {
      channels: 16,
      preNmsTopNTrain: 200,
      postNmsTopNTrain: 64,
      preNmsTopNTest: 100,
      postNmsTopNTest: 32,
      batchSizePerImage: 64,
    },
    roiHead: { fcDims: [32], batchSizePerImage: 32, outputSize: 4 },
    seed: 3,
    ...overrides,
  });
}

/** Coloured rectangles (class = colour) on noise: `n` images of `size`², seeded. */
export function rectangles(
  n: number,
  size: number,
  seed: number,
): { raw: Float32Array[]; targets: ImageTargets[] } {
  const rng = createRng(seed);
  const colours = [
    [230, 40, 40],
    [40, 200, 40],
    [40, 60, 230],
  ];
  const raw: Float32Array[] = [];
  const targets: ImageTargets[] = [];
  for (let i = 0; i < n; i++) {
    const data = new Float32Array(size * size * 3);
    for (let j = 0; j < data.length; j++) data[j] = 110 + 30 * rng.next();
    const boxes: number[] = [];
    const labels: number[] = [];
    const k = 1 + rng.nextInt(2);
    for (let o = 0; o < k; o++) {
      const w = Math.round(size * (0.2 + 0.3 * rng.next()));
      const h = Math.round(size * (0.2 + 0.3 * rng.next()));
      const x = rng.nextInt(size - w);
      const y = rng.nextInt(size - h);
      const c = 1 + rng.nextInt(3);
      const col = colours[c - 1]!;
      for (let yy = y; yy < y + h; yy++) {
        for (let xx = x; xx < x + w; xx++) {
          for (let ch = 0; ch < 3; ch++) data[(yy * size + xx) * 3 + ch] = col[ch]!;
        }
      }
      boxes.push(x, y, x + w, y + h);
      labels.push(c);
    }
    raw.push(data);
    targets.push({ boxes: Float32Array.from(boxes), labels: Int32Array.from(labels) });
  }
  return { raw, targets };
}

/** A batch of normalised images (mean 127.5, std 64) with metas at scale 1. */
export function rectangleBatch(n: number, size: number, seed: number): DetectionBatch {
  const { raw, targets } = rectangles(n, size, seed);
  const flat = new Float32Array(n * size * size * 3);
  raw.forEach((d, i) => flat.set(d, i * d.length));
  const images = tf.tidy(
    () => tf.div(tf.sub(tf.tensor4d(flat, [n, size, size, 3]), 127.5), 64) as tf.Tensor4D,
  );
  const metas = raw.map(() => ({
    height: size,
    width: size,
    scale: 1,
    originalHeight: size,
    originalWidth: size,
  }));
  return { images, metas, targets };
}
