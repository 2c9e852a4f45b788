import { VOC_CLASSES } from '@kd/codecs';
/** A VOC box `[xmin, ymin, xmax, ymax]`: 1-based inclusive pixel indices as in the XML. */
export type VocBox = readonly [number, number, number, number];

export interface VocObject {
  readonly name: string;
  readonly bbox: VocBox;
  readonly difficult: boolean;
}

/** One image's ground truth (all its objects, every class). */
export interface VocImageGt {
  readonly imageId: string;
  readonly objects: readonly VocObject[];
}

/** One line of a `comp4_det_<split>_<class>.txt` file, with its class. */
export interface VocDetection {
  readonly imageId: string;
  readonly className: string;
  readonly score: number;
  readonly bbox: VocBox;
}

export interface VocParams {
  readonly classes: readonly string[];
  /** '07': 11-point interpolated AP; '2010': area under the monotone PR curve */
  readonly metric: '07' | '2010';
  /** overlap threshold (0.5) */
  readonly iouThreshold: number;
  /** false: IoU > threshold (voc_eval.py); true: IoU ≥ threshold (MATLAB devkit) */
  readonly inclusive: boolean;
}

export { VOC_CLASSES } from '@kd/codecs';

/** VOC parameters; defaults: the 20 classes, 2010 metric, IoU > 0.5. */
export const vocParams = (options: Partial<VocParams> = {}): VocParams => ({
  classes: options.classes ?? VOC_CLASSES,
  metric: options.metric ?? '2010',
  iouThreshold: options.iouThreshold ?? 0.5,
  inclusive: options.inclusive ?? false,
});
