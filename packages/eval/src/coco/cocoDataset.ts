import * as E from 'fp-ts/lib/Either.js';
import { evalError, type KdEvalError } from '../internal/EvalError.js';
import type { CocoGtFile, CocoResultsFile } from './cocoCodecs.js';
import type { CocoDetection, CocoGtAnnotation } from './cocoTypes.js';

/** A decoded GT file, indexed for evaluation. */
export interface CocoGtDataset {
  /** unique image ids, in file order */
  readonly imageIds: readonly number[];
  readonly categories: readonly { readonly id: number; readonly name: string }[];
  /** annotations per image id, file order */
  readonly annotationsByImage: ReadonlyMap<number, readonly CocoGtAnnotation[]>;
  /** messages about repaired input (e.g. missing `area`) */
  readonly warnings: readonly string[];
}

/**
 * Indexes a decoded instances file. Missing `area` falls back to w·h (with a warning);
 * missing `iscrowd` means 0; duplicate image entries count once (as in pycocotools).
 */
export const cocoGtDataset = (file: CocoGtFile): CocoGtDataset => {
  const seen = new Set<number>();
  const imageIds: number[] = [];
  for (const im of file.images) {
    if (!seen.has(im.id)) {
      seen.add(im.id);
      imageIds.push(im.id);
    }
  }
  const annotationsByImage = new Map<number, CocoGtAnnotation[]>();
  let noArea = 0;
  for (const a of file.annotations) {
    if (a.area === undefined) noArea++;
    const ann: CocoGtAnnotation = {
      id: a.id,
      imageId: a.image_id,
      categoryId: a.category_id,
      bbox: a.bbox,
      area: a.area ?? a.bbox[2] * a.bbox[3],
      iscrowd: a.iscrowd === 1 || a.iscrowd === true,
    };
    const list = annotationsByImage.get(a.image_id);
    if (list) list.push(ann);
    else annotationsByImage.set(a.image_id, [ann]);
  }
  const warnings =
    noArea > 0
      ? [`${noArea} annotation(s) without "area": using bbox w*h for the area ranges`]
      : [];
  const catSeen = new Set<number>();
  const categories = file.categories.flatMap((c) => {
    if (catSeen.has(c.id)) return [];
    catSeen.add(c.id);
    return [{ id: c.id, name: c.name ?? String(c.id) }];
  });
  return { imageIds, categories, annotationsByImage, warnings };
};

/**
 * Turns decoded results into detections, checking that each names an image of the GT
 * (pycocotools asserts the same: "Results do not correspond to current coco set").
 */
export const cocoDetections = (
  gt: CocoGtDataset,
  results: CocoResultsFile,
  file: string,
): E.Either<KdEvalError, CocoDetection[]> => {
  const ids = new Set(gt.imageIds);
  const out: CocoDetection[] = [];
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (!ids.has(r.image_id)) {
      return E.left(
        evalError(file, `$[${i}].image_id`, `image ${r.image_id} is not in the ground truth`),
      );
    }
    out.push({ imageId: r.image_id, categoryId: r.category_id, bbox: r.bbox, score: r.score });
  }
  return E.right(out);
};
