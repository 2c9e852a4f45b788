import type { CocoEvalResult } from './cocoAccumulate.js';
import type { CocoGtDataset } from './cocoDataset.js';
import { cocoEvaluator } from './cocoEvaluator.js';
import { cocoParams } from './cocoParams.js';
import type { CocoDetection, CocoParams } from './cocoTypes.js';

export interface CocoEvalOptions {
  readonly useCats?: boolean;
  readonly maxDets?: readonly number[];
  /** overrides every parameter (catIds included) */
  readonly params?: CocoParams;
}

/**
 * COCOeval(bbox).evaluate → accumulate → summarize on a whole dataset in one call.
 * @param dets detections in results-file order (the order breaks score ties)
 */
export const evaluateCoco = (
  gt: CocoGtDataset,
  dets: readonly CocoDetection[],
  options: CocoEvalOptions = {},
): CocoEvalResult => {
  const params =
    options.params ??
    cocoParams(
      gt.categories.map((c) => c.id),
      {
        useCats: options.useCats ?? true,
        ...(options.maxDets ? { maxDets: options.maxDets } : {}),
      },
    );
  const byImage = new Map<number, CocoDetection[]>();
  for (const d of dets) {
    const l = byImage.get(d.imageId);
    if (l) l.push(d);
    else byImage.set(d.imageId, [d]);
  }
  let state = cocoEvaluator.empty(params);
  for (const imageId of gt.imageIds) {
    state = cocoEvaluator.update(
      state,
      { imageId, annotations: gt.annotationsByImage.get(imageId) ?? [] },
      byImage.get(imageId) ?? [],
    );
  }
  return cocoEvaluator.compute(state);
};
