import type { PreparedImage, Sample } from '@kd/data-voc-coco-kitti';
import { type CocoDetection, type CocoGtAnnotation, cocoEvaluator, cocoParams } from '@kd/eval';
import type { Detections, FasterRcnn } from '@kd/faster-rcnn';
import { precisionCurveAt50 } from './precisionCurveAt50.js';
import { makeBatch } from './toDetectionBatch.js';

export interface DetectorScores {
  /** COCO AP at IoU 0.5 (the paper's PASCAL-style mAP@0.5), 0–1. */
  readonly mAP50: number;
  /** COCO AP@[.5:.95], 0–1. */
  readonly mAP: number;
  /** AP@0.5 per class name. */
  readonly perClassAP50: Readonly<Record<string, number>>;
  readonly images: number;
}

/** Per-class precision-recall curves at IoU 0.5 (area all, 100 detections), as COCOeval samples them. */
export interface PrCurves {
  /** `[R]` the recall thresholds 0, 0.01, …, 1. */
  readonly recall: readonly number[];
  /** Per class name, `[R]` precision at each recall threshold; −1 where undefined (no ground truth). */
  readonly precision: Readonly<Record<string, readonly number[]>>;
}

/**
 * Runs `model` on a prepared split and scores it with `@kd/eval`'s COCO evaluator (identical to
 * pycocotools), ground truth in original-image pixels; difficult objects count, crowd boxes are
 * crowd regions. Returns the detections (in original-image pixels, per image in `images` order) and
 * the per-class PR curves at IoU 0.5 too, for reports and result files.
 */
export async function evaluateDetector(
  model: FasterRcnn,
  samples: readonly Sample[],
  images: readonly PreparedImage[],
  classNames: readonly string[],
  batchSize = 8,
  onProgress?: (done: number, total: number) => void,
): Promise<{ scores: DetectorScores; detections: Detections[]; prCurves: PrCurves }> {
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
  // AP@0.5 per class: the mean of the defined points of its PR curve (COCOeval's own definition).
  const precision: Record<string, number[]> = {};
  const perClassAP50: Record<string, number> = {};
  classNames.forEach((name, k) => {
    const curve = precisionCurveAt50(result, k);
    const defined = curve.filter((v) => v > -1);
    precision[name] = curve;
    perClassAP50[name] = defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : -1;
  });
  return {
    scores: {
      mAP50: result.summary.AP50,
      mAP: result.summary.AP,
      perClassAP50,
      images: images.length,
    },
    detections,
    prCurves: { recall: [...params.recThrs], precision },
  };
}
