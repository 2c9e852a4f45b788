import * as t from 'io-ts';
import { Box4, FiniteNumber } from '../internal/codecs.js';

/** `images[i]` of an instances file (extra keys allowed). */
export const CocoImageC = t.type({ id: FiniteNumber }, 'image');

/** `annotations[i]`; `area` and `iscrowd` may be missing in third-party exports. */
export const CocoAnnotationC = t.intersection(
  [
    t.type({ id: FiniteNumber, image_id: FiniteNumber, category_id: FiniteNumber, bbox: Box4 }),
    t.partial({
      area: FiniteNumber,
      iscrowd: t.union([t.literal(0), t.literal(1), t.boolean]),
    }),
  ],
  'annotation',
);

export const CocoCategoryC = t.intersection(
  [t.type({ id: FiniteNumber }), t.partial({ name: t.string, supercategory: t.string })],
  'category',
);

/** An instances GT file: `{images, annotations, categories}` (info/licenses ignored). */
export const CocoGtFileC = t.type(
  {
    images: t.array(CocoImageC),
    annotations: t.array(CocoAnnotationC),
    categories: t.array(CocoCategoryC),
  },
  'COCO instances file',
);
export type CocoGtFile = t.TypeOf<typeof CocoGtFileC>;

/** One entry of a COCO results file. */
export const CocoResultC = t.type(
  { image_id: FiniteNumber, category_id: FiniteNumber, bbox: Box4, score: FiniteNumber },
  'detection',
);

/** A COCO results file: `[{image_id, category_id, bbox, score}]`. */
export const CocoResultsFileC = t.array(CocoResultC, 'COCO results array');
export type CocoResultsFile = t.TypeOf<typeof CocoResultsFileC>;
