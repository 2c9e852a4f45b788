import { type BoxCodingWeights, matchBoxesHost, type Rng, sampleBalanced } from '@kd/tensor-ops';
import { encodeHost, ignoreInsideRegions, iouHost, takeBoxes } from '../internal/hostBoxes.js';
import type { ImageTargets } from '../model/types.js';

export interface ProposalTargetOptions {
  readonly fgIouThreshold: number;
  readonly bgIouHigh: number;
  readonly bgIouLow: number;
  readonly batchSizePerImage: number;
  readonly positiveFraction: number;
  readonly boxWeights: BoxCodingWeights;
}

export interface ProposalTargets {
  /** `[S*4]` sampled RoIs, foreground first. */
  readonly rois: Float32Array;
  /** `[S]` class 1…C, or 0 for background. */
  readonly labels: Int32Array;
  /** `[S*4]` encoded ground truth with `boxWeights`; zeros for background. */
  readonly targets: Float32Array;
}

/**
 * RoI-head target assignment for one image (py-faster-rcnn / torchvision): the ground-truth boxes
 * join the proposals; IoU ≥ fg → that box's class, IoU in [bgLow, bgHigh) → background, the rest
 * ignored; a seeded balanced sample (e.g. 128 RoIs, 25% foreground). Host; not differentiable.
 */
export function assignProposalTargets(
  proposals: Float32Array,
  gt: ImageTargets,
  options: ProposalTargetOptions,
  rng: Rng,
): ProposalTargets {
  const g = gt.boxes.length / 4;
  const candidates = new Float32Array(proposals.length + gt.boxes.length);
  candidates.set(proposals, 0);
  candidates.set(gt.boxes, proposals.length);
  const n = candidates.length / 4;
  const labels = new Int32Array(n);
  let matched: Int32Array | undefined;
  if (g > 0) {
    const iou = iouHost(gt.boxes, candidates);
    matched = matchBoxesHost(
      { data: iou, rows: g, cols: n },
      {
        highThreshold: options.fgIouThreshold,
        lowThreshold: options.bgIouHigh,
        allowLowQualityMatches: false,
      },
    );
    for (let i = 0; i < n; i++) {
      const m = matched[i]!;
      if (m >= 0) labels[i] = gt.labels[m]!;
      else if (m === -1) {
        let best = 0;
        for (let r = 0; r < g; r++) best = Math.max(best, iou[r * n + i]!);
        labels[i] = best >= options.bgIouLow ? 0 : -1;
      } else labels[i] = -1;
    }
  } else if (options.bgIouLow > 0) {
    labels.fill(-1);
  }
  ignoreInsideRegions(labels, candidates, gt.ignore);
  const sample = sampleBalanced(labels, {
    batchSizePerImage: options.batchSizePerImage,
    positiveFraction: options.positiveFraction,
    rng,
  });
  const nf = sample.positive.length;
  const idx = new Int32Array(nf + sample.negative.length);
  idx.set(sample.positive, 0);
  idx.set(sample.negative, nf);
  const rois = takeBoxes(candidates, idx);
  const outLabels = Int32Array.from(idx, (i, j) => (j < nf ? labels[i]! : 0));
  const targets = new Float32Array(idx.length * 4);
  if (nf > 0 && matched) {
    const gtIdx = Array.from(sample.positive, (i) => matched![i]!);
    targets.set(
      encodeHost(
        takeBoxes(gt.boxes, gtIdx),
        takeBoxes(candidates, sample.positive),
        options.boxWeights,
      ),
      0,
    );
  }
  return { rois, labels: outLabels, targets };
}
