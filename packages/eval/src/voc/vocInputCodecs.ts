import * as t from 'io-ts';
import { Box4, FiniteNumber } from '../internal/codecs.js';

/** The `imageGt` argument of `vocEvaluator.update` (camelCase keys, as `VocImageGt`). */
export const VocImageGtC = t.type({
  imageId: t.string,
  objects: t.readonlyArray(t.type({ name: t.string, bbox: Box4, difficult: t.boolean })),
});

/** The `imageDets` argument of `vocEvaluator.update`. */
export const VocDetectionsC = t.readonlyArray(
  t.type({ imageId: t.string, className: t.string, score: FiniteNumber, bbox: Box4 }),
);
