import { matchBoxesHost, type Rng, sampleBalanced } from '@kd/tensor-ops';
import { encodeHost, ignoreInsideRegions, iouHost, takeBoxes } from '../internal/hostBoxes.js';
import type { ImageTargets } from '../model/types.js';

export interface AnchorTargetOptions {
  readonly fgIouThreshold: number;
  readonly bgIouThreshold: number;
  readonly batchSizePerImage: number;
  readonly positiveFraction: number;
}

export interface AnchorTargets {
  /** Sampled anchor indices, positives first, `[S]`. */
  readonly indices: Int32Array;
  /** 1 object, 0 background, `[S]`. */
  readonly labels: Int32Array;
  /** `[S*4]` encoded ground truth (weights 1,1,1,1); zeros for negatives. */
  readonly targets: Float32Array;
}

/**
 * RPN anchor target assignment for one image (torchvision semantics): IoU ≥ fg → object, < bg →
 * background, in between ignored; each ground-truth box also claims its best anchors (low-quality
 * matches); anchors mostly inside ignore regions are not negatives; then a seeded balanced sample
 * (e.g. 256 anchors, at most half positive). All anchors are kept, including those crossing the
 * image border (as torchvision, unlike py-faster-rcnn). Host computation; not differentiable.
 *
 * @param anchors `[K*4]` anchors of the image.
 */
export function assignAnchorTargets(
  anchors: Float32Array,
  gt: ImageTargets,
  options: AnchorTargetOptions,
  rng: Rng,
): AnchorTargets {
  const k = anchors.length / 4;
  const g = gt.boxes.length / 4;
  const labels = new Int32Array(k);
  let matched: Int32Array | undefined;
  if (g > 0) {
    const iou = iouHost(gt.boxes, anchors);
    matched = matchBoxesHost(
      { data: iou, rows: g, cols: k },
      {
        highThreshold: options.fgIouThreshold,
        lowThreshold: options.bgIouThreshold,
        allowLowQualityMatches: true,
      },
    );
    for (let i = 0; i < k; i++) {
      const m = matched[i]!;
      labels[i] = m >= 0 ? 1 : m === -1 ? 0 : -1;
    }
  }
  ignoreInsideRegions(labels, anchors, gt.ignore);
  const sample = sampleBalanced(labels, {
    batchSizePerImage: options.batchSizePerImage,
    positiveFraction: options.positiveFraction,
    rng,
  });
  const np = sample.positive.length;
  const indices = new Int32Array(np + sample.negative.length);
  indices.set(sample.positive, 0);
  indices.set(sample.negative, np);
  const outLabels = new Int32Array(indices.length);
  outLabels.fill(1, 0, np);
  const targets = new Float32Array(indices.length * 4);
  if (np > 0 && matched) {
    const gtIdx = Array.from(sample.positive, (i) => matched![i]!);
    targets.set(
      encodeHost(takeBoxes(gt.boxes, gtIdx), takeBoxes(anchors, sample.positive), [1, 1, 1, 1]),
      0,
    );
  }
  return { indices, labels: outLabels, targets };
}
