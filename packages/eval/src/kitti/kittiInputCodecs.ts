import * as t from 'io-ts';
import { Box4, FiniteNumber } from '../internal/codecs.js';

/** The `frameGt` argument of `kittiEvaluator.update` (as `KittiObject`s). */
export const KittiFrameGtC = t.type({
  id: t.string,
  gt: t.readonlyArray(
    t.type({
      type: t.string,
      truncation: FiniteNumber,
      occlusion: FiniteNumber,
      alpha: FiniteNumber,
      bbox: Box4,
    }),
  ),
});

/** The `frameDets` argument of `kittiEvaluator.update`. */
export const KittiDetectionsC = t.readonlyArray(
  t.type({ type: t.string, alpha: FiniteNumber, bbox: Box4, score: FiniteNumber }),
);
