/**
 * The one sample shape every reader produces and every writer consumes.
 *
 * Box convention (all formats): 0-based continuous pixel coordinates `[x1, y1, x2, y2]`, the
 * image spanning `[0, width] x [0, height]`; a box's width is `x2 - x1`.
 * - COCO `bbox [x, y, w, h]` maps to `[x, y, x + w, y + h]` (already continuous).
 * - KITTI `left top right bottom` are taken as they are (the devkit computes areas without +1).
 * - VOC's 1-based inclusive pixel indices `xmin..xmax` map to `x1 = xmin - 1`, `x2 = xmax`
 *   (likewise y). The box then covers exactly the pixels `xmin..xmax`, its continuous width
 *   `x2 - x1` equals the devkit's `xmax - xmin + 1`, and the VOC writer inverts it exactly
 *   (`xmin = x1 + 1`, `xmax = x2`). An evaluator in VOC mode recovers devkit coordinates the same way.
 */
export type BoxXyxy = readonly [x1: number, y1: number, x2: number, y2: number];

/** One annotated object. */
export interface ObjectAnnotation {
  /** `[x1, y1, x2, y2]`, 0-based continuous pixels (see the module comment). */
  readonly box: BoxXyxy;
  /** Index into `DatasetDescriptor.classNames` (0-based, no background class). */
  readonly classIndex: number;
  /** VOC `difficult=1`: ignored by the VOC evaluation. */
  readonly difficult: boolean;
  /** COCO `iscrowd=1`: an ignore region for the COCO evaluation. */
  readonly crowd: boolean;
  /** VOC 0/1, KITTI fraction in [0, 1]; 0 when the format has no such field. */
  readonly truncated: number;
  /** VOC 0/1, KITTI 0 (fully visible) .. 3 (unknown); 0 when absent. */
  readonly occluded: number;
  /** COCO `area` (segment area), when the file has it. */
  readonly area?: number;
  /** COCO annotation id, exact decimal text as in the file. */
  readonly annotationId?: string;
  /** VOC `pose`, when present. */
  readonly pose?: string;
  /** KITTI 3D fields: alpha, dimensions h w l (m), location x y z (m), rotation_y. */
  readonly kitti3d?: Kitti3d;
}

/** The KITTI label's 3D part, carried through so that the writer reproduces the file. */
export interface Kitti3d {
  readonly alpha: number;
  readonly dimensions: readonly [h: number, w: number, l: number];
  readonly location: readonly [x: number, y: number, z: number];
  readonly rotationY: number;
}

/** One image with its annotations. */
export interface Sample {
  /**
   * Image id: the VOC/KITTI file stem, or the COCO id as its exact decimal text (ids above
   * 2^53 survive unchanged; results are written with the same text).
   */
  readonly id: string;
  /** Absolute path of the image file, always inside the dataset root. */
  readonly path: string;
  /** Path relative to the image folder, as written in the annotation (`file_name`, `filename`). */
  readonly fileName: string;
  readonly width: number;
  readonly height: number;
  readonly objects: readonly ObjectAnnotation[];
  /** KITTI `DontCare` regions, `[x1, y1, x2, y2]`: not objects, not negatives. */
  readonly ignore: readonly BoxXyxy[];
}

/** The box array `[N, 4]` (x1,y1,x2,y2, row-major) and labels `[N]` of a sample, for models. */
export interface SampleTargets {
  readonly boxes: Float32Array;
  readonly labels: Int32Array;
  readonly difficult: Uint8Array;
  readonly crowd: Uint8Array;
}

/**
 * Packs a sample's objects into flat typed arrays.
 * @returns boxes `[N, 4]` xyxy pixels, labels `[N]` class indices, flags `[N]`.
 */
export const sampleTargets = (sample: Sample): SampleTargets => {
  const n = sample.objects.length;
  const boxes = new Float32Array(n * 4);
  const labels = new Int32Array(n);
  const difficult = new Uint8Array(n);
  const crowd = new Uint8Array(n);
  sample.objects.forEach((o, i) => {
    boxes.set(o.box, i * 4);
    labels[i] = o.classIndex;
    difficult[i] = o.difficult ? 1 : 0;
    crowd[i] = o.crowd ? 1 : 0;
  });
  return { boxes, labels, difficult, crowd };
};
