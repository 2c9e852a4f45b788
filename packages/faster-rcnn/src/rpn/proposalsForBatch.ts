import * as tf from '@tensorflow/tfjs-core';
import { tidyRead } from '../internal/tidyRead.js';
import type { ImageMeta } from '../model/types.js';
import { generateProposals, type ProposalOptions } from './generateProposals.js';
import type { RpnMaps } from './RpnHead.js';

/** The RPN's outputs for a batch on the host, what {@link HostProposals} works from. */
export interface RpnOnHost {
  /** `[K*4]` anchors of the feature map. */
  readonly anchors: Float32Array;
  /** `[B*K]` object probabilities, image by image. */
  readonly objectness: Float32Array;
  /** `[B*K*4]` deltas, image by image. */
  readonly deltas: Float32Array;
  readonly metas: readonly ImageMeta[];
  readonly options: ProposalOptions;
}

/**
 * Computes each image's proposals from the RPN's host outputs, with {@link generateProposals}'s
 * results: {@link proposalsOnHost} image by image, or a `ProposalThread` (Node) sharing the images
 * with a worker thread.
 */
export type HostProposals = (rpn: RpnOnHost) => Float32Array[];

/** {@link generateProposals} for images `from` to `to` (exclusive) of `rpn`. */
export function proposalsOnHost(rpn: RpnOnHost, from = 0, to = rpn.metas.length): Float32Array[] {
  const k = rpn.anchors.length / 4;
  const out: Float32Array[] = [];
  for (let b = from; b < to; b++) {
    const meta = rpn.metas[b]!;
    out.push(
      generateProposals(
        rpn.anchors,
        rpn.objectness.subarray(b * k, (b + 1) * k),
        rpn.deltas.subarray(b * k * 4, (b + 1) * k * 4),
        [meta.height, meta.width],
        rpn.options,
      ).boxes,
    );
  }
  return out;
}

/**
 * RPN proposals for each image of a batch: reads the RPN's objectness (softmax, column 1) and
 * deltas back to the host and runs {@link generateProposals} for every image (through `host`,
 * default {@link proposalsOnHost}), clipped to each image's resized content. Not differentiated;
 * consumes no randomness.
 *
 * @param rpn `[B, K, 2]` logits and `[B, K, 4]` deltas; @param anchors `[K*4]` of the feature map.
 * @returns per image, `[P*4]` proposals x1,y1,x2,y2, best first.
 */
export function proposalsForBatch(
  rpn: RpnMaps,
  anchors: Float32Array,
  metas: readonly ImageMeta[],
  options: ProposalOptions,
  host: HostProposals = proposalsOnHost,
): Float32Array[] {
  const [bsz, k] = rpn.logits.shape;
  const objectness = tidyRead(() => tf.slice(tf.softmax(rpn.logits), [0, 0, 1], [bsz, k, 1]));
  const deltas = rpn.deltas.dataSync() as Float32Array;
  return host({ anchors, objectness, deltas, metas, options });
}
