/** A COCO box `[x, y, w, h]` in absolute pixels (0-based, continuous). */
export type XywhBox = readonly [number, number, number, number];

/** One ground-truth annotation, as in an instances file (fields renamed to camelCase). */
export interface CocoGtAnnotation {
  readonly id: number;
  readonly imageId: number;
  readonly categoryId: number;
  readonly bbox: XywhBox;
  /** The annotation's `area` field: area ranges are tested on it, not on the box. */
  readonly area: number;
  readonly iscrowd: boolean;
}

/** One detection in the COCO results format. */
export interface CocoDetection {
  readonly imageId: number;
  readonly categoryId: number;
  readonly bbox: XywhBox;
  readonly score: number;
}

/** Everything about one image the evaluator needs: its id and all its ground truth. */
export interface CocoImageGt {
  readonly imageId: number;
  readonly annotations: readonly CocoGtAnnotation[];
}

/** COCOeval `Params` for iouType bbox. */
export interface CocoParams {
  /** Category ids evaluated (pycocotools: the sorted ids of the GT `categories`). */
  readonly catIds: readonly number[];
  readonly useCats: boolean;
  /** [T] IoU thresholds, default `np.linspace(.5, .95, 10)`. */
  readonly iouThrs: readonly number[];
  /** [R] recall thresholds, default `np.linspace(0, 1, 101)`. */
  readonly recThrs: readonly number[];
  /** [A] area ranges `[lo, hi]` (inclusive) on the GT `area` field / detection w·h. */
  readonly areaRng: readonly (readonly [number, number])[];
  readonly areaRngLbl: readonly string[];
  /** [M] ascending max detections per image. */
  readonly maxDets: readonly number[];
}
