import type * as tf from '@tensorflow/tfjs-core';

/**
 * Ground truth of one image, in the coordinates of the (resized) image tensor.
 * Boxes are `[G * 4]` x1,y1,x2,y2 in pixels; labels are 1…C (0 is background).
 */
export interface ImageTargets {
  readonly boxes: Float32Array;
  readonly labels: Int32Array;
  /**
   * Regions to ignore (crowd boxes, KITTI DontCare), `[I * 4]`: anchors and proposals mostly
   * inside them are neither positives nor negatives.
   */
  readonly ignore?: Float32Array;
}

/** Where an image sits in the padded batch and how it maps back to the original file. */
export interface ImageMeta {
  /** Height and width of the resized image content (top-left of the padded tensor). */
  readonly height: number;
  readonly width: number;
  /** resized / original. Detections are divided by it. */
  readonly scale: number;
  readonly originalHeight: number;
  readonly originalWidth: number;
}

/** A training or inference batch: normalised images padded to a common size. */
export interface DetectionBatch {
  /** `[B, H, W, 3]` normalised (see `FasterRcnn.normalize`). */
  readonly images: tf.Tensor4D;
  readonly metas: readonly ImageMeta[];
  /** Present for training. */
  readonly targets?: readonly ImageTargets[];
}

/** One image's detections in original-image pixels. */
export interface Detections {
  /** `[D * 4]` x1,y1,x2,y2. */
  readonly boxes: Float32Array;
  readonly scores: Float32Array;
  /** 1…C. */
  readonly labels: Int32Array;
}

/** The per-row outputs distillation reads, shared by student and teacher (rows in sampling order). */
export interface HeadOutputs {
  /** `[M, 2]` RPN logits at the sampled anchors (column 0 = background). */
  readonly rpnLogits: tf.Tensor2D;
  /** `[M, 4]` RPN deltas at the sampled anchors. */
  readonly rpnDeltas: tf.Tensor2D;
  /** `[N, C+1]` RCN logits at the sampled RoIs. */
  readonly rcnLogits: tf.Tensor2D;
  /** `[N, 4·(C+1)]` class-specific RCN deltas at the sampled RoIs. */
  readonly rcnDeltas: tf.Tensor2D;
}

/** Targets of the sampled rows (labels: RPN 1/0, RCN 1…C or 0). */
export interface SampledTargets {
  readonly rpnLabels: tf.Tensor1D;
  readonly rpnTargets: tf.Tensor2D;
  readonly rcnLabels: tf.Tensor1D;
  readonly rcnTargets: tf.Tensor2D;
}

/** Which rows were sampled: what a teacher needs to run on the student's anchors and RoIs. */
export interface SampledRows {
  /** Image of each sampled anchor, `[M]`. */
  readonly anchorImage: Int32Array;
  /** Index of each sampled anchor in its image's anchor grid (order y, x, anchor), `[M]`. */
  readonly anchorIndex: Int32Array;
  /** Sampled RoIs `[N * 4]` in the student's image coordinates. */
  readonly rois: Float32Array;
  /** Image of each RoI, `[N]`. */
  readonly roiImage: Int32Array;
  /** Feature-map size the anchor indices refer to, `[height, width]`. */
  readonly featureSize: readonly [number, number];
}
