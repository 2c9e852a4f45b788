import {
  type Batch,
  type ImageBatch,
  type PreparedImage,
  padBatch,
  prepareSample,
  type Sample,
  type TransformOptions,
} from '@kd/data-voc-coco-kitti';
import type { DetectionBatch, ImageTargets } from '@kd/faster-rcnn';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';

/** Padding multiple of a detection batch's height and width (the detectors' total stride 8). */
export const DETECTION_SIZE_DIVISIBLE = 8;

/** A dataset split decoded, resized and normalised once, held in memory (evaluation sets, demos). */
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

/**
 * The detector's targets of one prepared image: labels shifted to 1…C (0 is background), crowd
 * boxes turned into ignore regions next to the image's own (KITTI DontCare).
 */
function targetsOf(p: PreparedImage): ImageTargets {
  const keep: number[] = [];
  const crowd: number[] = [];
  for (let j = 0; j < p.labels.length; j++) (p.crowd[j] ? crowd : keep).push(j);
  const pick = (idx: number[]) => {
    const out = new Float32Array(idx.length * 4);
    idx.forEach((j, k) => {
      out.set(p.boxes.subarray(4 * j, 4 * j + 4), 4 * k);
    });
    return out;
  };
  const crowdBoxes = pick(crowd);
  const ignore = new Float32Array(p.ignore.length + crowdBoxes.length);
  ignore.set(p.ignore, 0);
  ignore.set(crowdBoxes, p.ignore.length);
  return { boxes: pick(keep), labels: Int32Array.from(keep, (j) => p.labels[j]! + 1), ignore };
}

/**
 * The `@kd/data-voc-coco-kitti` batch (host arrays) as the detector's `DetectionBatch`: the padded
 * images as one `[B, H, W, 3]` tensor (the caller disposes it), per-image sizes and scales, and
 * targets in the detector's label convention (see `targetsOf`).
 */
export function toDetectionBatch(batch: Pick<Batch, 'images' | 'items'>): DetectionBatch {
  const { images: padded, items } = batch;
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
    targets: items.map(targetsOf),
  };
}

/** Pads prepared images (already flipped where wanted) into a detection batch. */
export function makeBatch(items: readonly PreparedImage[]): DetectionBatch {
  const images: ImageBatch = padBatch(
    items.map((p) => p.image),
    DETECTION_SIZE_DIVISIBLE,
  );
  return toDetectionBatch({ images, items });
}
