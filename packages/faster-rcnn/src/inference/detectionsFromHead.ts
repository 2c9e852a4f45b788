import { batchedNms } from '@kd/tensor-ops';
import type { FasterRcnnConfig } from '../config/fasterRcnnConfig.js';
import { decodeHost, takeBoxes } from '../internal/hostBoxes.js';
import type { Detections, ImageMeta } from '../model/types.js';

/** What the RoI head computed for a batch, on the host. */
export interface HeadResults {
  /** `[R * 4]` proposals in input-image pixels. */
  readonly roiArr: Float32Array;
  /** `[R]` image of each proposal. */
  readonly roiImg: Int32Array;
  /** `[R, C+1]` class probabilities. */
  readonly probs: Float32Array;
  /** `[R, 4·(C+1)]` class-specific box deltas. */
  readonly boxDeltas: Float32Array;
}

/**
 * Inference post-processing: per-class box decoding of the (class, RoI) pairs above the score
 * threshold, clipping, per-class NMS, the best `detectionsPerImage`, boxes mapped back to
 * original image pixels. Shared by {@link FasterRcnn.predict} and compiled detectors.
 */
export async function detectionsFromHead(
  computed: HeadResults,
  metas: readonly ImageMeta[],
  config: FasterRcnnConfig,
): Promise<Detections[]> {
  const c1 = config.numClasses + 1;
  const out: Detections[] = [];
  for (let b = 0; b < metas.length; b++) {
    const meta = metas[b]!;
    const rows: number[] = [];
    for (let i = 0; i < computed.roiImg.length; i++) if (computed.roiImg[i] === b) rows.push(i);
    const candBoxes: number[] = [];
    const candScores: number[] = [];
    const candLabels: number[] = [];
    if (rows.length > 0) {
      const props = takeBoxes(computed.roiArr, rows);
      // Only the (class, RoI) pairs above the score threshold are decoded, in one call,
      // class-major: decoding is elementwise, so the candidates are those of decoding all.
      const pairs: number[] = [];
      for (let c = 1; c < c1; c++)
        for (let i = 0; i < rows.length; i++)
          if (computed.probs[rows[i]! * c1 + c]! > config.inference.scoreThreshold)
            pairs.push(c, i);
      const m = pairs.length / 2;
      const deltas = new Float32Array(4 * m);
      const anchors = new Float32Array(4 * m);
      for (let p = 0; p < m; p++) {
        const c = pairs[2 * p]!;
        const i = pairs[2 * p + 1]!;
        const o = 4 * (rows[i]! * c1 + c);
        deltas.set(computed.boxDeltas.subarray(o, o + 4), 4 * p);
        anchors.set(props.subarray(4 * i, 4 * i + 4), 4 * p);
      }
      const decoded = decodeHost(deltas, anchors, config.roiHead.boxWeights);
      for (let p = 0; p < m; p++) {
        const c = pairs[2 * p]!;
        const x1 = Math.min(Math.max(decoded[4 * p]!, 0), meta.width);
        const y1 = Math.min(Math.max(decoded[4 * p + 1]!, 0), meta.height);
        const x2 = Math.min(Math.max(decoded[4 * p + 2]!, 0), meta.width);
        const y2 = Math.min(Math.max(decoded[4 * p + 3]!, 0), meta.height);
        if (x2 - x1 < 1e-2 || y2 - y1 < 1e-2) continue;
        candBoxes.push(x1, y1, x2, y2);
        candScores.push(computed.probs[rows[pairs[2 * p + 1]!]! * c1 + c]!);
        candLabels.push(c);
      }
    }
    const keep = await batchedNms(
      Float32Array.from(candBoxes),
      Float32Array.from(candScores),
      Int32Array.from(candLabels),
      config.inference.nmsThreshold,
      { maxOutput: config.inference.detectionsPerImage },
    );
    const boxes = new Float32Array(keep.length * 4);
    keep.forEach((i, j) => {
      for (let q = 0; q < 4; q++) {
        const limit = q % 2 === 0 ? meta.originalWidth : meta.originalHeight;
        boxes[4 * j + q] = Math.min(candBoxes[4 * i + q]! / meta.scale, limit);
      }
    });
    out.push({
      boxes,
      scores: Float32Array.from(keep, (i) => candScores[i]!),
      labels: Int32Array.from(keep, (i) => candLabels[i]!),
    });
  }
  return out;
}
