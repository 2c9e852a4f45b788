import {
  flipBoxHorizontal,
  flipImageHorizontal,
  type PreparedImage,
  padBatch,
  prepareSample,
  type Sample,
  type TransformOptions,
} from '@kd/data-voc-coco-kitti';
import type { DetectionBatch, ImageTargets } from '@kd/faster-rcnn';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';

/** A dataset split decoded, resized and normalised once, held in memory (small datasets, demos). */
export interface PreparedSplit {
  readonly samples: readonly Sample[];
  readonly images: readonly PreparedImage[];
}

/** Decodes and prepares every sample of a split (the Faster R-CNN resize and normalisation). */
export async function prepareSplit(
  samples: readonly Sample[],
  transform: TransformOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<PreparedSplit> {
  const images: PreparedImage[] = [];
  for (const [i, s] of samples.entries()) {
    const r = await prepareSample(s, transform, false);
    if (E.isLeft(r)) throw new Error(r.left);
    images.push(r.right);
    onProgress?.(i + 1, samples.length);
  }
  return { samples, images };
}

function flipTargets(p: PreparedImage): { boxes: Float32Array; ignore: Float32Array } {
  const w = p.image.width;
  const flip = (a: Float32Array) => {
    const out = new Float32Array(a.length);
    for (let i = 0; i < a.length; i += 4) {
      const b = flipBoxHorizontal([a[i]!, a[i + 1]!, a[i + 2]!, a[i + 3]!], w);
      out.set(b, i);
    }
    return out;
  };
  return { boxes: flip(p.boxes), ignore: flip(p.ignore) };
}

/**
 * Builds a detection batch: images padded to a common size, targets with labels shifted to 1…C
 * (0 is background), crowd boxes turned into ignore regions, optional horizontal flips.
 */
export function makeBatch(
  items: readonly PreparedImage[],
  flips?: readonly boolean[],
): DetectionBatch {
  const images = items.map((p, i) => (flips?.[i] ? flipImageHorizontal(p.image) : p.image));
  const padded = padBatch(images, 8);
  const targets: ImageTargets[] = items.map((p, i) => {
    const { boxes, ignore } = flips?.[i] ? flipTargets(p) : { boxes: p.boxes, ignore: p.ignore };
    const keep: number[] = [];
    const crowd: number[] = [];
    for (let j = 0; j < p.labels.length; j++) (p.crowd[j] ? crowd : keep).push(j);
    const pick = (idx: number[]) => {
      const out = new Float32Array(idx.length * 4);
      idx.forEach((j, k) => {
        out.set(boxes.subarray(4 * j, 4 * j + 4), 4 * k);
      });
      return out;
    };
    const crowdBoxes = pick(crowd);
    const allIgnore = new Float32Array(ignore.length + crowdBoxes.length);
    allIgnore.set(ignore, 0);
    allIgnore.set(crowdBoxes, ignore.length);
    return {
      boxes: pick(keep),
      labels: Int32Array.from(keep, (j) => p.labels[j]! + 1),
      ignore: allIgnore,
    };
  });
  return {
    images: tf.tensor4d(padded.data, [
      padded.batchSize,
      padded.height,
      padded.width,
      padded.channels,
    ]),
    metas: items.map((p) => ({
      height: p.image.height,
      width: p.image.width,
      scale: p.scaleY,
      originalHeight: p.originalHeight,
      originalWidth: p.originalWidth,
    })),
    targets,
  };
}
