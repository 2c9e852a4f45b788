import type { PreparedImage, Sample } from '@kd/data-voc-coco-kitti';
import { type CocoDetection, type CocoGtAnnotation, cocoEvaluator, cocoParams } from '@kd/eval';
import type { Detections, FasterRcnn } from '@kd/faster-rcnn';
import { makeBatch } from './preparedSplit.js';

export interface DetectorScores {
  /** COCO AP at IoU 0.5 (the paper's PASCAL-style mAP@0.5), 0–1. */
  readonly mAP50: number;
  /** COCO AP@[.5:.95], 0–1. */
  readonly mAP: number;
  /** AP@0.5 per class name. */
  readonly perClassAP50: Readonly<Record<string, number>>;
  readonly images: number;
}

/**
 * Runs `model` on a prepared split and scores it with `@kd/eval`'s COCO evaluator (identical to
 * pycocotools), ground truth in original-image pixels; difficult objects count, crowd boxes are
 * crowd regions. Returns the detections too (for reports and result files).
 */
export async function evaluateDetector(
  model: FasterRcnn,
  samples: readonly Sample[],
  images: readonly PreparedImage[],
  classNames: readonly string[],
  batchSize = 8,
  onProgress?: (done: number, total: number) => void,
): Promise<{ scores: DetectorScores; detections: Detections[] }> {
  const catIds = classNames.map((_, i) => i + 1);
  const params = cocoParams(catIds);
  let state = cocoEvaluator.empty(params);
  const detections: Detections[] = [];
  let annId = 1;
  for (let start = 0; start < images.length; start += batchSize) {
    const items = images.slice(start, start + batchSize);
    const batch = makeBatch(items);
    const dets = await model.predict(batch);
    batch.images.dispose();
    dets.forEach((d, i) => {
      const imageId = start + i + 1;
      const sample = samples[start + i]!;
      const gt: CocoGtAnnotation[] = sample.objects.map((o) => {
        const w = o.box[2] - o.box[0];
        const h = o.box[3] - o.box[1];
        return {
          id: annId++,
          imageId,
          categoryId: o.classIndex + 1,
          bbox: [o.box[0], o.box[1], w, h],
          area: w * h,
          iscrowd: o.crowd,
        };
      });
      const cd: CocoDetection[] = Array.from(d.scores, (score, j) => ({
        imageId,
        categoryId: d.labels[j]!,
        bbox: [
          d.boxes[4 * j]!,
          d.boxes[4 * j + 1]!,
          d.boxes[4 * j + 2]! - d.boxes[4 * j]!,
          d.boxes[4 * j + 3]! - d.boxes[4 * j + 1]!,
        ],
        score,
      }));
      state = cocoEvaluator.update(state, { imageId, annotations: gt }, cd);
      detections.push(d);
    });
    onProgress?.(Math.min(images.length, start + batchSize), images.length);
  }
  const result = cocoEvaluator.compute(state);
  // AP@0.5 per class from the precision array [T, R, K, A, M]: t = 0 (IoU .5), area all, maxDets 100.
  const R = params.recThrs.length;
  const K = params.catIds.length;
  const A = params.areaRng.length;
  const M = params.maxDets.length;
  const perClassAP50: Record<string, number> = {};
  classNames.forEach((name, k) => {
    let sum = 0;
    let n = 0;
    for (let r = 0; r < R; r++) {
      const v = result.precision[(((0 * R + r) * K + k) * A + 0) * M + (M - 1)]!;
      if (v > -1) {
        sum += v;
        n++;
      }
    }
    perClassAP50[name] = n ? sum / n : -1;
  });
  return {
    scores: {
      mAP50: result.summary.AP50,
      mAP: result.summary.AP,
      perClassAP50,
      images: images.length,
    },
    detections,
  };
}
