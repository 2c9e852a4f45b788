import * as t from 'io-ts';
import { Box4, FiniteNumber } from '../internal/codecs.js';

/** `CocoGtAnnotation` as the reducer accepts it from plain JS (camelCase keys, `area` required). */
const CocoGtAnnotationC = t.type({
  id: FiniteNumber,
  imageId: FiniteNumber,
  categoryId: FiniteNumber,
  bbox: Box4,
  area: FiniteNumber,
  iscrowd: t.boolean,
});

/** The `imageGt` argument of `cocoEvaluator.update`. */
export const CocoImageGtC = t.type({
  imageId: FiniteNumber,
  annotations: t.readonlyArray(CocoGtAnnotationC),
});

/** The `imageDets` argument of `cocoEvaluator.update`. */
export const CocoDetectionsC = t.readonlyArray(
  t.type({ imageId: FiniteNumber, categoryId: FiniteNumber, bbox: Box4, score: FiniteNumber }),
);
