import * as tf from '@tensorflow/tfjs-core';
import { tidyRead } from '../internal/tidyRead.js';
import type { ImageMeta } from '../model/types.js';
import { generateProposals, type ProposalOptions } from './generateProposals.js';
import type { RpnMaps } from './RpnHead.js';

/**
 * RPN proposals for each image of a batch: reads the RPN's objectness (softmax, column 1) and
 * deltas back to the host and runs {@link generateProposals} image by image, clipped to each
 * image's resized content. Not differentiated; consumes no randomness.
 *
 * @param rpn `[B, K, 2]` logits and `[B, K, 4]` deltas; @param anchors `[K*4]` of the feature map.
 * @returns per image, `[P*4]` proposals x1,y1,x2,y2, best first.
 */
export function proposalsForBatch(
  rpn: RpnMaps,
  anchors: Float32Array,
  metas: readonly ImageMeta[],
  options: ProposalOptions,
): Float32Array[] {
  const [bsz, k] = rpn.logits.shape;
  const objectness = tidyRead(() => tf.slice(tf.softmax(rpn.logits), [0, 0, 1], [bsz, k, 1]));
  const deltas = rpn.deltas.dataSync() as Float32Array;
  return Array.from({ length: bsz }, (_, b) => {
    const meta = metas[b]!;
    return generateProposals(
      anchors,
      objectness.subarray(b * k, (b + 1) * k),
      deltas.subarray(b * k * 4, (b + 1) * k * 4),
      [meta.height, meta.width],
      options,
    ).boxes;
  });
}
