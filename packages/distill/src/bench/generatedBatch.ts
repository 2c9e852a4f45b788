import type { DetectionBatch } from '@kd/faster-rcnn';
import { createRng } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A benchmark batch: `[batch, size, size, 3]` uniform noise in the Keras [-1, 1] input range and
 * two boxes per image, seeded (the cost of a step does not depend on what the images show).
 */
export function generatedBatch(batch: number, size: number): DetectionBatch {
  const rng = createRng(7);
  const images = tf.randomUniform([batch, size, size, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
  const metas = Array.from({ length: batch }, () => ({
    height: size,
    width: size,
    scale: 1,
    originalHeight: size,
    originalWidth: size,
  }));
  const targets = metas.map(() => {
    const boxes: number[] = [];
    for (let i = 0; i < 2; i++) {
      const x = rng.nextInt(size - 40);
      const y = rng.nextInt(size - 40);
      boxes.push(x, y, x + 12 + rng.nextInt(28), y + 12 + rng.nextInt(28));
    }
    return { boxes: Float32Array.from(boxes), labels: Int32Array.from([1, 2]) };
  });
  return { images, metas, targets };
}
