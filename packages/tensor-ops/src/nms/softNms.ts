import { hostFloat32 } from '../internal/hostData.js';
import type { HostOrTensorBoxes, HostOrTensorScores } from './nms.js';

export interface SoftNmsOptions {
  /** Score decay. */
  readonly method: 'linear' | 'gaussian';
  /** Gaussian decay width (`exp(-IoU² / sigma)`). Default 0.5. */
  readonly sigma?: number;
  /** Boxes whose decayed score falls below this are dropped. Default 0.001. */
  readonly scoreThreshold?: number;
  /** Stop after this many selected boxes. Default: no limit. */
  readonly maxOutput?: number;
  /** Use `+1` widths in the IoU, as the authors' Cython code. Default false. */
  readonly plusOne?: boolean;
}

export interface SoftNmsResult {
  /** Selected indices into the input, in selection order (by decreasing decayed score). */
  readonly indices: Int32Array;
  /** The decayed score of each selected box. */
  readonly scores: Float32Array;
}

/**
 * Soft-NMS (Bodla et al., ICCV 2017, the `cpu_soft_nms` algorithm): repeatedly select the box
 * with the highest current score, then decay the scores of the remaining boxes by their IoU
 * with it — `linear`: `s *= 1 - IoU` if `IoU > iouThreshold`; `gaussian`: `s *= exp(-IoU² / sigma)`
 * — and drop those below `scoreThreshold`. Host computation (async), not differentiable.
 *
 * @param boxes `[N, 4]` x1,y1,x2,y2. @param scores `[N]`.
 */
export async function softNms(
  boxes: HostOrTensorBoxes,
  scores: HostOrTensorScores,
  options: SoftNmsOptions & { readonly iouThreshold?: number },
): Promise<SoftNmsResult> {
  const [b, s] = await Promise.all([hostFloat32(boxes), hostFloat32(scores)]);
  return softNmsHost(b, s, { ...options, iouThreshold: options.iouThreshold ?? 0.3 });
}

/** Host version of {@link softNms}. */
export function softNmsHost(
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: SoftNmsOptions & { readonly iouThreshold: number },
): SoftNmsResult {
  const sigma = options.sigma ?? 0.5;
  const thresh = options.scoreThreshold ?? 0.001;
  const maxOut = options.maxOutput ?? Number.POSITIVE_INFINITY;
  const one = options.plusOne ? 1 : 0;
  const n = scores.length;
  const live: number[] = [];
  const cur = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    cur[i] = scores[i]!;
    if (!Number.isNaN(cur[i]!)) live.push(i);
  }
  const outIdx: number[] = [];
  const outScore: number[] = [];
  while (live.length > 0 && outIdx.length < maxOut) {
    let best = 0;
    for (let p = 1; p < live.length; p++) {
      const a = live[p]!;
      const b = live[best]!;
      if (cur[a]! > cur[b]! || (cur[a] === cur[b] && a < b)) best = p;
    }
    const i = live[best]!;
    live.splice(best, 1);
    outIdx.push(i);
    outScore.push(cur[i]!);
    const ix1 = boxes[4 * i]!;
    const iy1 = boxes[4 * i + 1]!;
    const ix2 = boxes[4 * i + 2]!;
    const iy2 = boxes[4 * i + 3]!;
    const ia = (ix2 - ix1 + one) * (iy2 - iy1 + one);
    let w = 0;
    for (let p = 0; p < live.length; p++) {
      const j = live[p]!;
      const iw = Math.min(ix2, boxes[4 * j + 2]!) - Math.max(ix1, boxes[4 * j]!) + one;
      const ih = Math.min(iy2, boxes[4 * j + 3]!) - Math.max(iy1, boxes[4 * j + 1]!) + one;
      let iou = 0;
      if (iw > 0 && ih > 0) {
        const ja =
          (boxes[4 * j + 2]! - boxes[4 * j]! + one) * (boxes[4 * j + 3]! - boxes[4 * j + 1]! + one);
        iou = (iw * ih) / (ia + ja - iw * ih);
      }
      let weight = 1;
      if (options.method === 'linear') weight = iou > options.iouThreshold ? 1 - iou : 1;
      else weight = Math.exp(-(iou * iou) / sigma);
      cur[j] = weight * cur[j]!;
      if (cur[j]! >= thresh) live[w++] = j;
    }
    live.length = w;
  }
  return { indices: Int32Array.from(outIdx), scores: Float32Array.from(outScore) };
}
