import * as tf from '@tensorflow/tfjs-core';
import type { FasterRcnn } from '../model/FasterRcnn.js';
import type { DetectionBatch, Detections } from '../model/types.js';
import type { DetectorManifest } from './detectorManifest.js';
import { type Pixels, preprocessPixels } from './preprocessPixels.js';

/** Detections of one image in its original pixels, with class names. */
export interface NamedDetections extends Detections {
  /** `[D]` class name of each detection (`classes[label − 1]`). */
  readonly classNames: readonly string[];
}

export interface DetectOptions {
  /** Keep detections scoring at least this (default: the export's `scoreThreshold`). */
  readonly minScore?: number;
}

/** What runs a detector's `predict`: the model itself, or a compiled form of it. */
export interface DetectorRuntime {
  predict(batch: Pick<DetectionBatch, 'images' | 'metas'>): Promise<Detections[]>;
  /** Frees what the runtime holds besides the model. */
  dispose(): void;
}

/**
 * A loaded export: the network plus its sidecar. `detect` runs the same host preprocessing and
 * `FasterRcnn.predict` in Node and in browsers; only the tfjs backend differs — or, in Node on
 * the native backend, a compiled `runtime` (see `compileDetector`).
 */
export class Detector {
  constructor(
    readonly model: FasterRcnn,
    readonly manifest: DetectorManifest,
    private readonly runtime?: DetectorRuntime,
  ) {}

  /**
   * Detections of one image (no tensors outlive the call).
   *
   * @param pixels RGB or RGBA `[H, W, 3|4]` in [0, 255], e.g. a canvas' `ImageData`.
   * @returns boxes `[D * 4]` x1,y1,x2,y2 in the input's pixels, scores `[D]`, labels `[D]` (1…C).
   */
  async detect(pixels: Pixels, options: DetectOptions = {}): Promise<NamedDetections> {
    const input = preprocessPixels(pixels, this.manifest);
    const images = tf.tensor4d(input.data, [1, input.height, input.width, 3]);
    let dets: Detections;
    try {
      [dets] = (await (this.runtime ?? this.model).predict({
        images,
        metas: [
          {
            height: input.height,
            width: input.width,
            scale: input.scale,
            originalHeight: pixels.height,
            originalWidth: pixels.width,
          },
        ],
      })) as [Detections];
    } finally {
      images.dispose();
    }
    const minScore = options.minScore ?? this.manifest.scoreThreshold;
    const keep = Array.from(dets.scores.keys()).filter((i) => dets.scores[i]! >= minScore);
    const boxes = new Float32Array(keep.length * 4);
    keep.forEach((i, j) => boxes.set(dets.boxes.subarray(4 * i, 4 * i + 4), 4 * j));
    const labels = Int32Array.from(keep, (i) => dets.labels[i]!);
    return {
      boxes,
      scores: Float32Array.from(keep, (i) => dets.scores[i]!),
      labels,
      classNames: Array.from(labels, (l) => this.manifest.classes[l - 1] ?? `class${l}`),
    };
  }

  /** Frees the runtime and the model. */
  dispose(): void {
    this.runtime?.dispose();
    this.model.dispose();
  }
}
