/** A KITTI 2D box `[left, top, right, bottom]`, 0-based pixels (floats). */
export type KittiBox = readonly [number, number, number, number];

/** One line of a `label_2/*.txt` file (the columns the 2D evaluation uses). */
export interface KittiObject {
  readonly type: string;
  readonly truncation: number;
  readonly occlusion: number;
  readonly alpha: number;
  readonly bbox: KittiBox;
}

/** One line of a results file (16 columns; `alpha = -10` means no orientation). */
export interface KittiDetection {
  readonly type: string;
  readonly alpha: number;
  readonly bbox: KittiBox;
  readonly score: number;
}

/** One frame: its id, ground truth and detections. */
export interface KittiFrame {
  readonly id: string;
  readonly gt: readonly KittiObject[];
  readonly dets: readonly KittiDetection[];
}

export interface KittiClassSpec {
  readonly name: string;
  /** minimum IoU (strictly greater), Car 0.7, Pedestrian/Cyclist 0.5 */
  readonly minOverlap: number;
  /** GT type not counted as FN nor FP for this class (Van for Car, Person_sitting for Pedestrian) */
  readonly neighbor?: string;
}

export interface KittiParams {
  readonly classes: readonly KittiClassSpec[];
  /** easy, moderate, hard */
  readonly minHeight: readonly [number, number, number];
  readonly maxOcclusion: readonly [number, number, number];
  readonly maxTruncation: readonly [number, number, number];
  /** recall sample points (41: R40 uses 1..40, R11 uses 0,4,…,40) */
  readonly nSamplePts: number;
}

export const KITTI_DIFFICULTIES = ['easy', 'moderate', 'hard'] as const;
export type KittiDifficulty = (typeof KITTI_DIFFICULTIES)[number];

/** The devkit's constants (evaluate_object.cpp). */
export const kittiParams = (options: Partial<KittiParams> = {}): KittiParams => ({
  classes: options.classes ?? [
    { name: 'Car', minOverlap: 0.7, neighbor: 'Van' },
    { name: 'Pedestrian', minOverlap: 0.5, neighbor: 'Person_sitting' },
    { name: 'Cyclist', minOverlap: 0.5 },
  ],
  minHeight: options.minHeight ?? [40, 25, 25],
  maxOcclusion: options.maxOcclusion ?? [0, 1, 2],
  maxTruncation: options.maxTruncation ?? [0.15, 0.3, 0.5],
  nSamplePts: options.nSamplePts ?? 41,
});
