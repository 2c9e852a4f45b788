import { nmsHost } from '@kd/tensor-ops';
import { decodeHost, takeBoxes } from '../internal/hostBoxes.js';
import { rankByScore } from '../internal/rankByScore.js';

export interface ProposalOptions {
  readonly preNmsTopN: number;
  readonly postNmsTopN: number;
  readonly nmsThreshold: number;
  readonly minSize: number;
}

/**
 * RPN proposals for one image: the top `preNmsTopN` anchors by objectness, decoded, clipped to
 * the image, small boxes removed, NMS, the best `postNmsTopN` kept (NaN objectness ranks last).
 * Host computation on values (proposals are not differentiated, as in every Faster R-CNN).
 *
 * @param anchors `[K*4]`; @param objectness `[K]` object probabilities; @param deltas `[K*4]`.
 * @returns `[P*4]` proposals and their `[P]` scores, best first.
 */
export function generateProposals(
  anchors: Float32Array,
  objectness: Float32Array,
  deltas: Float32Array,
  imageSize: readonly [number, number],
  options: ProposalOptions,
): { readonly boxes: Float32Array; readonly scores: Float32Array } {
  const k = objectness.length;
  const order = rankByScore(objectness);
  const top = order.subarray(0, Math.min(k, options.preNmsTopN));
  const decoded = decodeHost(takeBoxes(deltas, top), takeBoxes(anchors, top), [1, 1, 1, 1]);
  const [h, w] = imageSize;
  const minSize = Math.max(options.minSize, 1e-3);
  const keep: number[] = [];
  for (let i = 0; i < top.length; i++) {
    const o = 4 * i;
    const x1 = Math.min(Math.max(decoded[o]!, 0), w);
    const y1 = Math.min(Math.max(decoded[o + 1]!, 0), h);
    const x2 = Math.min(Math.max(decoded[o + 2]!, 0), w);
    const y2 = Math.min(Math.max(decoded[o + 3]!, 0), h);
    decoded[o] = x1;
    decoded[o + 1] = y1;
    decoded[o + 2] = x2;
    decoded[o + 3] = y2;
    if (x2 - x1 >= minSize && y2 - y1 >= minSize && Number.isFinite(objectness[top[i]!]!))
      keep.push(i);
  }
  const boxes = takeBoxes(decoded, keep);
  const scores = Float32Array.from(keep, (i) => objectness[top[i]!]!);
  const kept = nmsHost(boxes, scores, options.nmsThreshold, options.postNmsTopN);
  return { boxes: takeBoxes(boxes, kept), scores: Float32Array.from(kept, (i) => scores[i]!) };
}
